/**
 * The embedded {@link dev.tufrepo.storage.MetadataStore}: published metadata as files in one
 * directory, written with temporary files, one durability barrier per group and atomic renames.
 */
package dev.tufrepo.storage.fs;
