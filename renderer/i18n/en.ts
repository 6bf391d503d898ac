/**
 * English UI strings. This file is the message schema: `zh.ts` must have every key.
 * vue-i18n treats `{`, `}`, `@`, `$` and `|` as syntax, so texts avoid them.
 */
import { labEn } from './lab.en'
import { quizEn } from './quiz.en'
import { liveEn } from './live.en'
import { gradingEn } from './grading.en'

export const en = {
  labView: labEn,
  ...quizEn,
  liveClass: liveEn,
  grading: gradingEn,
  app: {
    title: 'Socket Anomaly Lab',
    subtitle: 'What TCP does when the network misbehaves',
    skipToMain: 'Skip to content',
  },
  nav: {
    label: 'Views',
    lab: 'Lab',
    summary: 'Summary',
    quiz: 'Quiz',
    classroom: 'Classroom',
  },
  settings: {
    language: 'Language',
    theme: 'Theme',
    light: 'Light',
    dark: 'Dark',
    toDark: 'Switch to the dark theme',
    toLight: 'Switch to the light theme',
  },
  about: {
    title: 'About Socket Anomaly Lab',
    body: 'Cause each network anomaly of the article, watch TCP on the wire, and see exactly what connect(), recv() and send() return, on a simulator and on the real kernel.',
    version: 'Version',
    shell: 'Running as',
    platform: 'Platform',
    close: 'Close',
    shells: { electron: 'desktop app', web: 'browser mode' },
  },
  picker: {
    label: 'Cases',
    groups: {
      connect: 'Connecting',
      data: 'Data phase',
      more: 'More cases',
      boundary: 'Boundary cases',
    },
    loading: 'Loading the cases…',
    failed: 'Could not load the cases: {message}',
    empty: 'The catalog has no cases.',
    simOnly: 'simulator only',
  },
  controls: {
    backend: 'Backend',
    backends: { sim: 'Simulator', kernel: 'Kernel' },
    backendHints: {
      sim: 'A TCP simulator in virtual time: every timer, segment and state.',
      kernel: 'Real sockets on this machine’s kernel.',
    },
    kernelUnavailable: 'Kernel unavailable: {detail}',
    kernelUnsupportedCase: 'This case cannot run on the real kernel.',
    kernelChecking: 'Checking what the kernel lab can do on this host…',
    capabilitiesFailed: 'Could not ask what this host can do: {message}',
    profile: 'OS profile',
    profiles: {
      linux: 'Linux 6.5+',
      'linux-legacy': 'Linux (article)',
      windows: 'Windows',
      macos: 'macOS',
    },
    profileKernelHint:
      'The kernel backend runs on this host, so the profile applies to the simulator only.',
    run: 'Run',
    running: 'Running…',
    cancel: 'Cancel',
    pickFirst: 'Pick a case first.',
  },
  lab: {
    noCase: 'Pick a case on the left to start.',
    article: 'Article',
    textbook: 'Textbook',
    scriptFailed: 'Could not load this case: {message}',
    status: {
      idle: 'Ready',
      starting: 'Starting…',
      running: 'Running',
      doneSim: 'Finished: {ms} of simulated time',
      doneKernel: 'Finished: {ms} on this host',
      cancelled: 'Cancelled',
      failed: 'Failed',
    },
    ranOnSim: 'Ran on the simulator, profile {profile}',
    ranOnKernel: 'Ran on this host’s kernel: {platform} {release}, isolation {isolation}',
    ranOnKernelNoHost: 'Ran on this host’s kernel',
    timersShortened: 'Timers shortened so the run takes seconds, not minutes.',
    simulatorOnly: 'simulator only',
    synCount: {
      linear:
        'What you count: {k} SYN retransmissions (SYNs at {times} s), then connect() fails at {failed} s. The script sets tcp_syn_retries to {n}, but Linux does not count retransmissions: it gives up once 2^({n}+1) − 1 = {budget} s have passed, the time {n} doubling timeouts would take. Since Linux 6.5 the SYN is sent again every second at first (net.ipv4.tcp_syn_linear_timeouts = 4) before the timeouts double, so more SYNs fit in that time; the article’s kernels doubled every timeout, with SYNs at 0, 1, 3, 7, 15 s.',
      doubling:
        'What you count: {k} SYN retransmissions (SYNs at {times} s), then connect() fails at {failed} s. Linux gives up once 2^({n}+1) − 1 = {budget} s have passed (tcp_syn_retries = {n}); before 6.5 every timeout doubles, as in the article: SYNs at 0, 1, 3, 7, 15 s.',
    },
    runFailed: 'The run failed: {message}',
    connectionLost: 'The connection to the lab server was lost during the run.',
    regions: {
      readout: 'Return values',
      trace: 'Trace',
    },
  },
  readout: {
    label: 'Errno readout',
    empty: 'Run the case: each call’s return value appears here as it returns.',
    waiting: 'Waiting for the first call to return…',
    at: 'at {ms}',
    took: 'returned after {ms}',
    blocked: 'still blocked when the run ended ({ms})',
    skipped: 'skipped: its actor had died or was stuck on an earlier step',
    osTable: 'This error on each OS',
    os: { linux: 'Linux', macos: 'macOS', windows: 'Windows' },
    noEquivalent: 'no equivalent',
    thisRun: 'this run',
    signal: 'raises {signal}: a C program dies here unless it ignores the signal',
    revents: 'revents = {value}',
    soError: 'SO_ERROR = {value}',
    meaning: 'Why',
    section: 'Article {ref}',
    sectionTextbook: 'Textbook {ref}',
    notes: 'Backend notes',
    measured: 'How the lab measured this',
    final: 'Final TCP states',
    finalValue: 'client {client}, server {server}',
    finalExtra: ', {actor} {state}',
    actors: {
      client: 'client',
      client2: 'client 2',
      client3: 'client 3',
      client4: 'client 4',
      server: 'server',
      net: 'network',
    },
    ok: 'success',
  },
  trace: {
    label: 'Run trace (strace-like text)',
    hint: 'Each call and TCP event, live as the run goes.',
  },
  errors: {
    generic: 'Something went wrong: {message}',
  },
}

/** The shape every locale must have. */
export type Messages = typeof en
