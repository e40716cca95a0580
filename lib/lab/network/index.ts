/** The lab's node network: where the nodes of a lab cluster are reachable, and the gateway proxy in front of it. */
export { NodeNetwork, type Endpoint } from './node-network';
export { startGatewayProxy, type GatewayProxy } from './gateway-proxy';
