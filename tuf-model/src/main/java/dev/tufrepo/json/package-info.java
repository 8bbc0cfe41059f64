/**
 * JSON for TUF metadata: a strict parser, a small immutable value tree and the OLPC canonical JSON
 * encoder whose bytes are what TUF signs.
 *
 * <p>The rules are those of securesystemslib's {@code encode_canonical}, the encoder python-tuf
 * signs with: object keys sorted by Unicode code point, only {@code "} and {@code \} escaped,
 * integers only, UTF-8 output. See <a
 * href="https://theupdateframework.github.io/specification/latest/#metaformat">TUF spec, metadata
 * format</a>.
 */
package dev.tufrepo.json;
