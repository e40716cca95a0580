/** The lab's node network: addresses machines have on the node subnet, and the gateway proxy that reaches them. */
export { NodeNetwork, type Endpoint } from './node-network';
export { startGatewayProxy, type GatewayProxy } from './gateway-proxy';
export { startTcpForwarder, type TcpForwarder } from './tcp-forwarder';
