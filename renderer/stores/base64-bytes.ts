// Artifact bytes cross IPC and HTTP as base64 (see readArtifact in the contract).

/** The bytes a base64 string encodes. */
export function bytesOfBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
