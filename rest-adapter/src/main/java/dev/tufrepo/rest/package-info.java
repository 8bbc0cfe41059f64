/**
 * The REST service: RSTUF API v1 over the repository engine. {@link dev.tufrepo.rest.TufrepoServer}
 * starts it from a {@link dev.tufrepo.rest.ServerConfig}.
 */
package dev.tufrepo.rest;
