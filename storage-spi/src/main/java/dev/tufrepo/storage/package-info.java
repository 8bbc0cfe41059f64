/**
 * The storage SPI: {@link dev.tufrepo.storage.MetadataStore} for published metadata and {@link
 * dev.tufrepo.storage.StateStore} for the repository's state. Backends implement these interfaces
 * and extend their abstract contract tests.
 */
package dev.tufrepo.storage;
