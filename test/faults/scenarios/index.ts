/**
 * @module The fault scenarios by number, with the phase lengths of the full run (`npm run
 * test:faults`) and of the short run that `npm test` does (test/faults/scenarios.test.ts). Each
 * takes the common options (scratch dir, load time, rate, log) plus its own.
 */

import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { diskFullScenario } from './disk-full.ts'
import { fuzzScenario } from './fuzz.ts'
import { idleScenario } from './idle.ts'
import { killScenario } from './kill.ts'
import { outageScenario } from './outage.ts'
import { relayKillScenario } from './relay-kill.ts'
import { slowScenario } from './slow.ts'

export interface ScenarioSpec {
  id: string
  title: string
  /** Runs the scenario; `short` picks the CI-sized phases. */
  run(o: ScenarioOptions, short: boolean): Promise<ScenarioResult>
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    id: '1',
    title: 'SIGKILL the forwarder every few seconds under load',
    run: (o, short) => killScenario({ ...o, killEveryS: short ? 2 : 3 }),
  },
  {
    id: '2',
    title: 'the upstream down for 30 s, then flapping',
    run: (o, short) => outageScenario({ ...o, downS: short ? 5 : 30, flaps: short ? 2 : 5, flapS: short ? 1 : 2 }),
  },
  {
    id: '3',
    title: 'a slow upstream',
    run: (o, short) => slowScenario({ ...o, totalLimit: short ? '512k' : '4m' }),
  },
  {
    id: '4',
    title: 'a full disk',
    run: (o, short) => diskFullScenario({ ...o, size: short ? '2m' : '8m' }),
  },
  {
    id: '5',
    title: 'a fuzzer beside a well-behaved client',
    run: (o, short) => fuzzScenario({ ...o, workers: short ? 4 : 8 }),
  },
  {
    id: '6',
    title: '10,000 idle connections and slowloris senders',
    run: (o, short) => idleScenario({ ...o, idle: 10_000, slowloris: short ? 10 : 50 }),
  },
  {
    id: '7',
    title: 'SIGKILL the relay 6 times under full load: duplicates within what was in flight',
    // Full load whatever --rate says; the full run kills 6 times in 20 s (the test).
    run: (o, short) => relayKillScenario({ ...o, durationS: short ? 8 : 20, kills: short ? 3 : 6 }),
  },
]
