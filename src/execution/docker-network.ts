// Where a function container reaches its environment's Runtime API (DESIGN.md: every environment
// has its own AWS_LAMBDA_RUNTIME_API). Containers join one docker network: the default bridge, or
// the network lambdalite itself is on (--docker-network, e.g. its compose network). lambdalite
// binds each Runtime API listener to its own address on that network: on a host that is the
// bridge's gateway (docker0, 172.17.0.1), in a compose service its container address. Either way
// the listeners are reachable from that network only, never from 0.0.0.0.
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import type Docker from 'dockerode';
import { dockerStatus } from './docker-connection.js';
import type { RuntimeApiHost } from './executor.js';

export interface Placement {
  /** HostConfig.NetworkMode of every function container. */
  readonly networkMode: string;
  readonly runtimeApiHost: RuntimeApiHost;
}

const toNumber = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

const fromNumber = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** The first address of a subnet (172.17.0.0/16 → 172.17.0.1), Docker's default gateway. */
export function firstHost(cidr: string): string {
  return fromNumber(toNumber(cidr.split('/')[0]!) + 1);
}

/** Whether an IPv4 address is inside a CIDR subnet such as 172.17.0.0/16. */
export function inSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || bits === undefined || base.includes(':') || ip.includes(':')) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

/** Whether this process can listen on the address, i.e. it is one of this machine's own. */
function canBind(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, ip, () => server.close(() => resolve(true)));
  });
}

/**
 * This machine's IPv4 addresses on interfaces that are up and running. A bridge with no container
 * attached (docker0 at rest) is not among them, which is why the gateway is tried by binding it.
 */
function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4')
    .map((a) => a!.address);
}

export async function placement(docker: Docker, network: string | undefined, addresses = localAddresses()): Promise<Placement> {
  const name = network ?? 'bridge';
  let info: { IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] } };
  try {
    info = (await docker.getNetwork(name).inspect()) as typeof info;
  } catch (err) {
    if (dockerStatus(err) === 404) throw new Error(`docker network '${name}' (--docker-network / LAMBDALITE_DOCKER_NETWORK) does not exist`);
    throw err;
  }
  const ipam = (info.IPAM?.Config ?? []).filter((c) => c.Subnet !== undefined && !c.Subnet.includes(':'));
  const subnets = ipam.map((c) => c.Subnet!);
  // On the docker host the network's gateway is this machine's own address on it (docker0's
  // 172.17.0.1); inside a container attached to the network it is not, but the container's is.
  // The default bridge often reports no Gateway: Docker gives it the subnet's first address.
  let own: string | undefined;
  for (const gateway of ipam.map((c) => c.Gateway ?? firstHost(c.Subnet!))) {
    if (await canBind(gateway)) {
      own = gateway;
      break;
    }
  }
  own ??= addresses.find((ip) => subnets.some((subnet) => inSubnet(ip, subnet)));
  if (own === undefined) {
    throw new Error(
      `lambdalite has no address on docker network '${name}' (${subnets.join(', ') || 'no IPv4 subnet'}), so its containers could not reach the Runtime API; ` +
        (network === undefined
          ? 'when lambdalite runs in a container itself, name its network with --docker-network (LAMBDALITE_DOCKER_NETWORK)'
          : `attach lambdalite to '${name}'`),
    );
  }
  return { networkMode: name, runtimeApiHost: { bind: own, advertise: own } };
}
