/** The engine's machinery; not API. */
package dev.tufrepo.engine.internal;
