/**
 * {@link dev.tufrepo.storage.StateStore} over plain JDBC. {@link
 * dev.tufrepo.storage.jdbc.JdbcStateStore} holds the portable SQL; {@link
 * dev.tufrepo.storage.jdbc.SqlDialect} holds the few statements and types that differ between
 * databases. The embedded default is an H2 file database ({@link
 * dev.tufrepo.storage.jdbc.JdbcStateStore#h2(java.nio.file.Path)}).
 */
package dev.tufrepo.storage.jdbc;
