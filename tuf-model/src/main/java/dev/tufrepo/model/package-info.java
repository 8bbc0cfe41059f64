/**
 * TUF metadata as immutable records, with a parser that names the JSON path of every error,
 * canonical JSON encoding for signing, key ids, signature schemes and succinct hash bins.
 *
 * <p>Every record keeps the fields it does not know in {@code unrecognized()} and writes them back
 * unchanged, so that metadata written by other implementations round-trips and can be re-signed (<a
 * href="https://theupdateframework.github.io/specification/latest/#document-formats">spec:
 * unrecognized fields</a>).
 */
package dev.tufrepo.model;
