/**
 * Which module may import which, checked in CI by `npm run depcruise`. Each rule says why it
 * exists. There are no exceptions: a breach fails CI.
 *
 * Cycles are checked between files (no-circular), between folders (no-circular-folders: it
 * compares directories one by one, so src/pfa and src/pfa/entities are two folders), and between
 * modules by scripts/module-cycles.mjs, which `npm run depcruise` runs next: it collapses this
 * graph to one node per module (src/<module>, src/pems/<part>) and fails on any cycle, also one
 * that passes through entities/ or dto/ subfolders. That collapsed graph is the one
 * docs/architecture.md draws (`npm run arch:graph`).
 *
 * tsPreCompilationDeps: an `import type` counts too; a type shared across a boundary couples
 * the two sides as much as a value does.
 */
const CORE = '^src/(config|database|common|logging|auth)/';
const SIMULATOR = '^src/pems-simulator/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Files that import each other can be neither understood, tested nor moved apart; in Nest such providers resolve only through forwardRef. ' +
        'One owner per state means the owner is imported by its users, never the other way round.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment:
        'A cycle between folders is a cycle between modules even when no two files import each other: neither module can be ' +
        'understood or changed without the other, and it says one of them does work that belongs to the other.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      severity: 'error',
      comment:
        'config, database, common, logging and auth are what every feature builds on. A core file that imports a feature makes every feature ' +
        'depend on every other through it, and the core can no longer be booted or tested alone.',
      from: { path: CORE },
      to: { path: '^src/', pathNot: CORE },
    },
    {
      name: 'pems-client-knows-no-write-sync',
      severity: 'error',
      comment:
        'The PEMS client and its rate limiter make every PEMS call, for read sync, write sync, the tests and the bench alike. ' +
        'Knowing the write queue or conflicts would tie all of them to one caller and its states.',
      from: { path: '^src/pems/(client|rate-limit)/' },
      to: { path: '^src/(write-sync|conflicts)/' },
    },
    {
      name: 'validation-no-database',
      severity: 'error',
      comment:
        'Validation is rules over field values, run by the API, the seed and the simulator alike, and unit-tested without PostgreSQL. ' +
        'Database code there would hide I/O inside a check.',
      from: { path: '^src/validation/' },
      to: { path: ['^src/database/', '^src/[^/]+/entities/', '^node_modules/(typeorm|pg|@types/pg|@nestjs/typeorm)/'] },
    },
    {
      name: 'simulator-only-field-map',
      severity: 'error',
      comment:
        'The PEMS simulator stands in for the real PEMS in tests, the bench and demo mode. It may know the PEMS contract (the field map) ' +
        "and nothing of the app: importing the code it checks would let it share that code's mistakes, and tie it to the app it must run without.",
      from: { path: SIMULATOR },
      to: { path: '^src/', pathNot: [SIMULATOR, '^src/pems-contract/'] },
    },
    {
      name: 'controllers-no-datasource',
      severity: 'error',
      comment:
        'A controller turns HTTP into a call to the service that owns the state. A controller holding a DataSource or a repository writes ' +
        "state behind its owner's back, past the guarded transitions.",
      from: { path: '\\.controller\\.ts$' },
      to: { path: '^node_modules/(typeorm|@nestjs/typeorm)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|\\.data|logs|bench/logs)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
