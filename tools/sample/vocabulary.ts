// What the .NET CLI's telemetry looks like: commands, operating systems, runtime ids and SDK versions, with
// weights that imitate a real mix (a few values carry most events, a long tail carries the rest).

import { PLANTED_COUNTRY } from './countries.js';

export interface CommandSpec {
  command: string;
  weight: number;
  /** Share of invocations that exit non-zero. */
  failRate: number;
}

/** Zipf-like: build alone is about a third of all invocations; `store` is almost never used. */
export const COMMANDS: readonly CommandSpec[] = [
  { command: 'build', weight: 30, failRate: 0.09 },
  { command: 'run', weight: 14, failRate: 0.12 },
  { command: 'restore', weight: 10, failRate: 0.04 },
  { command: 'test', weight: 9, failRate: 0.18 },
  { command: 'new', weight: 4, failRate: 0.03 },
  { command: 'publish', weight: 4, failRate: 0.06 },
  { command: 'add', weight: 3.5, failRate: 0.05 },
  { command: 'clean', weight: 2.5, failRate: 0.01 },
  { command: 'tool', weight: 2.5, failRate: 0.04 },
  { command: 'pack', weight: 2, failRate: 0.05 },
  { command: 'watch', weight: 1.5, failRate: 0.1 },
  { command: 'nuget', weight: 1.5, failRate: 0.06 },
  { command: 'sln', weight: 1.2, failRate: 0.02 },
  { command: 'format', weight: 1, failRate: 0.08 },
  { command: 'workload', weight: 0.8, failRate: 0.07 },
  { command: 'msbuild', weight: 0.8, failRate: 0.1 },
  { command: 'list', weight: 0.7, failRate: 0.02 },
  { command: 'remove', weight: 0.4, failRate: 0.02 },
  { command: 'dev-certs', weight: 0.3, failRate: 0.05 },
  { command: 'user-secrets', weight: 0.3, failRate: 0.02 },
  { command: 'build-server', weight: 0.3, failRate: 0.01 },
  { command: 'vstest', weight: 0.3, failRate: 0.15 },
  { command: 'help', weight: 0.3, failRate: 0 },
  { command: 'sdk', weight: 0.2, failRate: 0.01 },
  { command: 'store', weight: 0.02, failRate: 0.1 },
];

export type OsFamily = 'Windows' | 'Linux' | 'Darwin';

/** One operating system as a machine reports it; `ridPortable` is sent by SDK 8+, `ridLegacy` by SDK 6 and 7. */
export interface Platform {
  osFamily: OsFamily;
  osVersion: string;
  ridPortable: string;
  ridLegacy: string;
  weight: number;
}

const ARCHES = { x64: 0.9, arm64: 0.1 } as const;

function windows(osVersion: string, weight: number): Platform[] {
  return [
    { osFamily: 'Windows', osVersion, ridPortable: 'win-x64', ridLegacy: 'win10-x64', weight: weight * 0.93 },
    { osFamily: 'Windows', osVersion, ridPortable: 'win-arm64', ridLegacy: 'win10-arm64', weight: weight * 0.05 },
    { osFamily: 'Windows', osVersion, ridPortable: 'win-x86', ridLegacy: 'win10-x86', weight: weight * 0.02 },
  ];
}

function mac(osVersion: string, weight: number): Platform[] {
  const major = osVersion.split('.')[0]!;
  return [
    { osFamily: 'Darwin', osVersion, ridPortable: 'osx-arm64', ridLegacy: `osx.${major}-arm64`, weight: weight * 0.78 },
    { osFamily: 'Darwin', osVersion, ridPortable: 'osx-x64', ridLegacy: `osx.${major}-x64`, weight: weight * 0.22 },
  ];
}

/**
 * `osVersion` is the os-release VERSION_ID, as the SDK reports it; `ridVersion` the version part of the
 * distro runtime id (`rhel.9-x64` for RHEL 9.4, `alpine.3.20-x64` for Alpine 3.20.3).
 */
function linux(distro: string, osVersion: string, weight: number, ridVersion = osVersion, musl = false): Platform[] {
  const libc = musl ? 'linux-musl' : 'linux';
  return Object.entries(ARCHES).map(([arch, share]) => ({
    osFamily: 'Linux' as const,
    osVersion,
    ridPortable: `${libc}-${arch}`,
    ridLegacy: `${distro}.${ridVersion}-${arch}`,
    weight: weight * share,
  }));
}

/** Desktops, laptops and CI virtual machines. */
export const PLATFORMS: readonly Platform[] = [
  ...windows('10.0.19045', 16),
  ...windows('10.0.22631', 15),
  ...windows('10.0.26100', 11),
  ...windows('10.0.22621', 4),
  ...windows('10.0.20348', 3),
  ...windows('10.0.17763', 1.6),
  ...windows('10.0.19044', 1),
  ...mac('15.3.1', 3),
  ...mac('15.2', 2.6),
  ...mac('15.1.1', 1.6),
  ...mac('14.7.2', 2.6),
  ...mac('14.6.1', 1.4),
  ...mac('14.5', 0.8),
  ...mac('13.7.2', 0.8),
  ...mac('13.6.9', 0.7),
  ...linux('ubuntu', '22.04', 10),
  ...linux('ubuntu', '24.04', 8),
  ...linux('ubuntu', '20.04', 4),
  ...linux('debian', '12', 3.5),
  ...linux('debian', '11', 1),
  ...linux('fedora', '40', 1.2),
  ...linux('fedora', '41', 1),
  ...linux('rhel', '9.4', 0.8, '9'),
  ...linux('rocky', '9.4', 0.5, '9'),
  ...linux('linuxmint', '21.3', 0.5),
  ...linux('opensuse-leap', '15.6', 0.3, '15.6'),
  ...linux('alpine', '3.20.3', 0.4, '3.20', true),
];

/** Containers: the SDK images are Debian, Alpine, Ubuntu and Azure Linux. */
export const CONTAINER_PLATFORMS: readonly Platform[] = [
  ...linux('debian', '12', 50),
  ...linux('alpine', '3.20.3', 14, '3.20', true),
  ...linux('alpine', '3.19.4', 6, '3.19', true),
  ...linux('ubuntu', '24.04', 15),
  ...linux('ubuntu', '22.04', 10),
  ...linux('azurelinux', '3.0', 5),
];

export interface SdkSpec {
  version: string;
  weight: number;
}

/** Feature bands 6.0.4xx, 7.0.4xx, 8.0.1xx-4xx, 9.0.1xx-3xx; the newest bands carry most machines. */
export const SDKS: readonly SdkSpec[] = [
  { version: '6.0.417', weight: 0.5 },
  { version: '6.0.425', weight: 1 },
  { version: '6.0.428', weight: 2 },
  { version: '7.0.404', weight: 0.5 },
  { version: '7.0.410', weight: 1.5 },
  { version: '8.0.100', weight: 0.5 },
  { version: '8.0.101', weight: 0.4 },
  { version: '8.0.110', weight: 1 },
  { version: '8.0.204', weight: 1 },
  { version: '8.0.206', weight: 0.8 },
  { version: '8.0.303', weight: 1.5 },
  { version: '8.0.307', weight: 1 },
  { version: '8.0.403', weight: 2.5 },
  { version: '8.0.404', weight: 3 },
  { version: '8.0.405', weight: 2 },
  { version: '9.0.100', weight: 3 },
  { version: '9.0.101', weight: 4 },
  { version: '9.0.102', weight: 3 },
  { version: '9.0.200', weight: 2 },
  { version: '9.0.203', weight: 3 },
  { version: '9.0.300', weight: 2.5 },
  { version: '9.0.301', weight: 3 },
  { version: '9.0.302', weight: 2 },
];

/** The next newer SDK of the same major version: what a machine upgrades to mid-quarter. */
export function sdkUpgrade(version: string): string | undefined {
  const major = version.split('.')[0];
  const index = SDKS.findIndex((sdk) => sdk.version === version);
  const next = SDKS[index + 1];
  return next && next.version.split('.')[0] === major ? next.version : undefined;
}

/** SDK 8 and newer report portable runtime ids (`linux-x64`); 6 and 7 report distro ones (`ubuntu.22.04-x64`). */
export function usesPortableRid(sdkVersion: string): boolean {
  return Number(sdkVersion.split('.')[0]) >= 8;
}

/**
 * Values planted once so that the privacy code has something to suppress. None of them appears in the
 * mixes above, so each stays exactly as rare as described.
 */
export const PLANTED = {
  /** macOS Big Sur, reported by a single machine. */
  singleMachineOs: { osFamily: 'Darwin', osVersion: '11.7.10', runtimeId: 'osx-x64' },
  /** An SDK preview used by exactly two machines. */
  previewSdk: '10.0.100-preview.7.25380.108',
  /** Antarctica (the .NET CLI page mentions it): one machine. */
  singleMachineCountry: PLANTED_COUNTRY,
} as const;
