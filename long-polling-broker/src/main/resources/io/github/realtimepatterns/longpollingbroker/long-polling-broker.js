// Long-polling client for a Realtime Patterns long-polling-broker cluster. Dependency-free ES module.
//
//   import { subscribe, publish, stats } from 'http://host:8080/realtime/long-polling-broker.js';
//   const sub = subscribe('http://host:8080', 'chat', { onMessage: m => console.log(m) });
//
// The wire protocol of a cluster node is the long-polling one, so this module is the long-polling client
// (served next to it by every node): point it at the load balancer, which may send each poll to a
// different node; the cursor ({after, epoch}) is all a node needs to answer, so nothing is lost or
// repeated when it does. Same options, counters (stats) and onRequest hook as long-polling.js.
export * from './long-polling.js';
