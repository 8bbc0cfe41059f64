package dev.tufrepo.keyvault;

import dev.tufrepo.model.Key;
import dev.tufrepo.model.Signer;

/**
 * Finds the private part of a public key and signs with it. A key is named by a URI, like RSTUF's
 * {@code x-rstuf-online-key-uri}: {@code fn:<file>} for a PEM file in the key directory; an HSM
 * vault takes {@code pkcs11:} URIs. Vaults are handed to the engine as instances, never discovered.
 */
public interface KeyVault extends AutoCloseable {
  /**
   * A signer for {@code publicKey}, whose private key is found through {@code uri}.
   *
   * @throws KeyVaultException if the URI is not one this vault serves, the key cannot be read, or
   *     the private key does not belong to {@code publicKey}
   */
  Signer signer(String uri, Key publicKey);

  /** True if this vault serves URIs like {@code uri} (by scheme). */
  boolean supports(String uri);

  @Override
  default void close() {}
}
