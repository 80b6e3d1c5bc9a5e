package io.github.realtimepatterns.core.broker;

/** The in-JVM broker passes the broker kit. */
class InJvmBrokerTest extends BrokerContract {

    @Override
    protected Broker newBroker() {
        return new InJvmBroker();
    }
}
