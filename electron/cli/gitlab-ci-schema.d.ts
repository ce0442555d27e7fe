// GitLab's published .gitlab-ci.yml JSON schema, as gitlab-ci-local ships it (a plain ES module
// without types); ci-command.test.ts validates the generated GitLab workflow against it.
declare module 'gitlab-ci-local/src/schema/schema.js' {
  /** The JSON schema (draft-07) of .gitlab-ci.yml. */
  export const schema: Record<string, unknown>;
}
