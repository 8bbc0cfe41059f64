/** Helpers of the model that are not API: hex, hashing, PEM and key parsing. May change freely. */
package dev.tufrepo.model.internal;
