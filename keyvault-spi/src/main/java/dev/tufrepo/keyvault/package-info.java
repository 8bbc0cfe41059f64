/**
 * Where private keys live and how tufrepo signs with them: the {@link
 * dev.tufrepo.keyvault.KeyVault} SPI, which finds a key by URI, RSTUF's {@code fn:} file vault
 * {@link dev.tufrepo.keyvault.FileKeyVault}, and {@link dev.tufrepo.keyvault.PooledSigner} for
 * signers that are not thread-safe. Vaults are passed to the engine as instances, never discovered.
 */
package dev.tufrepo.keyvault;
