// Python files imported by the services arrive as their text (esbuild's text loader in the
// builds, a transform in vitest.config.mts for the tests).
declare module '*.py' {
  const source: string;
  export default source;
}
