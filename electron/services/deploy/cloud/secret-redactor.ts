// Keeps secret values out of what a target records or throws: every secret a target uses (keys,
// tokens, SAS signatures, endpoint keys) is registered here, and every message leaving the
// target passes through `redact`, so a cloud error that echoes a request (a signed URL, a header)
// never carries one into the database, a log, an event or the renderer.

/** Secret values seen by one target, and their removal from text. */
export class SecretRedactor {
  private readonly values = new Set<string>();

  /** Registers a value that must never be shown (short or empty values are ignored: they would redact ordinary words). */
  add(value: string | null | undefined): void {
    if (value && value.length >= 6) {
      this.values.add(value);
      // URL-encoded forms appear in signed URLs.
      this.values.add(encodeURIComponent(value));
    }
  }

  /** The text with every registered value replaced by '***'. */
  redact(text: string): string {
    let result = text;
    for (const value of this.values) if (result.includes(value)) result = result.split(value).join('***');
    // Signatures in signed URLs (SAS `sig=`, S3 `X-Amz-Signature=`) even when not registered.
    return result.replace(/([?&](?:sig|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential)=)[^&\s"']+/gi, '$1***');
  }
}
