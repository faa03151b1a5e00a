import { apiError, SsmEmulatorSetupError } from './errors.js';
import { INSTANCE_ID_PATTERN, LIMITS } from './limits.js';
import { BEHAVIORS, type Behavior, type InstanceSpec, PLATFORMS, type PowerShellStandIn } from './types.js';

/*
 * The emulated managed nodes: their platform, tags, resource groups, agent connectivity and behaviour, with indexes so
 * resolving a tag or resource-group target costs the size of the answer, not of the fleet.
 */

export interface EmulatedInstance {
  readonly instanceId: string;
  readonly platform: InstanceSpec['platform'];
  readonly computerName: string;
  readonly env: Readonly<Record<string, string>>;
  readonly powerShell: PowerShellStandIn | undefined;
  tags: Readonly<Record<string, string>>;
  resourceGroups: readonly string[];
  online: boolean;
  latencyMs: number;
  behavior: Behavior;
}

export interface WireTarget {
  readonly Key?: unknown;
  readonly Values?: unknown;
}

export class Fleet {
  readonly #instances = new Map<string, EmulatedInstance>();
  readonly #byTag = new Map<string, Set<string>>();
  readonly #byTagKey = new Map<string, Set<string>>();
  readonly #byGroup = new Map<string, Set<string>>();

  get size(): number {
    return this.#instances.size;
  }

  get(instanceId: string): EmulatedInstance | undefined {
    return this.#instances.get(instanceId);
  }

  add(spec: InstanceSpec): EmulatedInstance {
    if (!INSTANCE_ID_PATTERN.test(spec.instanceId))
      throw new SsmEmulatorSetupError(
        `instance id ${spec.instanceId} does not match ${INSTANCE_ID_PATTERN.source}`,
      );
    if (this.#instances.has(spec.instanceId))
      throw new SsmEmulatorSetupError(`instance ${spec.instanceId} already exists`);
    if (!PLATFORMS.includes(spec.platform))
      throw new SsmEmulatorSetupError(`unknown platform ${spec.platform}`);
    const behavior = spec.behavior ?? 'normal';
    if (!BEHAVIORS.includes(behavior)) throw new SsmEmulatorSetupError(`unknown behavior ${behavior}`);
    const n = this.#instances.size + 1;
    const instance: EmulatedInstance = {
      instanceId: spec.instanceId,
      platform: spec.platform,
      computerName:
        spec.computerName ??
        (spec.platform === 'windows'
          ? `EC2AMAZ-${String(n).padStart(7, '0')}`
          : `ip-10-0-${n >> 8}-${n & 255}.ec2.internal`),
      env: spec.env ?? {},
      powerShell: spec.powerShell,
      tags: {},
      resourceGroups: [],
      online: spec.online ?? true,
      latencyMs: spec.latencyMs ?? 0,
      behavior,
    };
    this.#instances.set(instance.instanceId, instance);
    this.setTags(instance.instanceId, spec.tags ?? {});
    this.setResourceGroups(instance.instanceId, spec.resourceGroups ?? []);
    return instance;
  }

  remove(instanceId: string): void {
    const instance = this.require(instanceId);
    this.setTags(instanceId, {});
    this.setResourceGroups(instanceId, []);
    this.#instances.delete(instance.instanceId);
  }

  require(instanceId: string): EmulatedInstance {
    const instance = this.#instances.get(instanceId);
    if (instance === undefined) throw new SsmEmulatorSetupError(`no emulated instance ${instanceId}`);
    return instance;
  }

  setTags(instanceId: string, tags: Readonly<Record<string, string>>): void {
    const instance = this.require(instanceId);
    for (const [key, value] of Object.entries(instance.tags)) {
      this.#byTag.get(`${key}=${value}`)?.delete(instanceId);
      this.#byTagKey.get(key)?.delete(instanceId);
    }
    instance.tags = { ...tags };
    for (const [key, value] of Object.entries(tags)) {
      index(this.#byTag, `${key}=${value}`).add(instanceId);
      index(this.#byTagKey, key).add(instanceId);
    }
  }

  setResourceGroups(instanceId: string, groups: readonly string[]): void {
    const instance = this.require(instanceId);
    for (const group of instance.resourceGroups) this.#byGroup.get(group)?.delete(instanceId);
    instance.resourceGroups = [...groups];
    for (const group of groups) index(this.#byGroup, group).add(instanceId);
  }

  /**
   * The instances SendCommand Targets select: each target is `tag:<Name>` / `tag-key` / `InstanceIds` /
   * `resource-groups:Name` with Values (any value matches); several targets must all match.
   */
  resolveTargets(targets: readonly WireTarget[]): string[] {
    if (targets.length > LIMITS.targetsPerCall)
      throw apiError.validation(`Targets can contain at most ${LIMITS.targetsPerCall} targets.`);
    let selected: Set<string> | undefined;
    for (const target of targets) {
      const key = typeof target.Key === 'string' ? target.Key : '';
      const values = Array.isArray(target.Values) ? target.Values.filter((v) => typeof v === 'string') : [];
      if (values.length === 0 || values.length > LIMITS.valuesPerTarget)
        throw apiError.validation(`Target ${key} must have between 1 and ${LIMITS.valuesPerTarget} values.`);
      const matched = this.#match(key, values);
      selected = selected === undefined ? matched : new Set([...selected].filter((id) => matched.has(id)));
    }
    return [...(selected ?? [])];
  }

  #match(key: string, values: readonly string[]): Set<string> {
    const matched = new Set<string>();
    const add = (ids: Iterable<string> | undefined) => {
      for (const id of ids ?? []) matched.add(id);
    };
    if (key.startsWith('tag:')) for (const v of values) add(this.#byTag.get(`${key.slice(4)}=${v}`));
    else if (key === 'tag-key') for (const v of values) add(this.#byTagKey.get(v));
    else if (key === 'InstanceIds') add(values.filter((id) => this.#instances.has(id)));
    else if (key === 'resource-groups:Name') for (const v of values) add(this.#byGroup.get(v));
    else throw apiError.validation(`Target key ${key} is not supported.`);
    return matched;
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
