package io.github.realtimepatterns.longpollingbroker;

import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.RedisServer;
import io.github.realtimepatterns.core.testing.ServerJarContract;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code long-polling-broker-server.jar} runs on its own as a cluster node: a real redis-server, and an H2
 * server as the shared database (PostgreSQL in the driver test).
 */
class LongPollingBrokerServerJarIT extends ServerJarContract {

    private static RedisServer redis;
    private static Server h2;

    @BeforeAll
    static void startSharedServices() throws SQLException {
        redis = RedisServer.start();
        h2 = Server.createTcpServer("-tcpPort", "0", "-tcpAllowOthers", "-ifNotExists").start();
    }

    @AfterAll
    static void stopSharedServices() {
        h2.stop();
        redis.close();
    }

    @Override
    protected String module() {
        return "long-polling-broker";
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("REDIS_URL", redis.uri().toString(),
                "JDBC_URL", "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:jar-it;DB_CLOSE_DELAY=-1");
    }

    @Override
    protected RealtimeClient client(URI base) {
        return LongPollingBrokerClient.builder(List.of(base)).build();
    }
}
