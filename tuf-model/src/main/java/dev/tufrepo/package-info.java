/** The root package of tufrepo: only {@link dev.tufrepo.TufException}, the root of every error. */
package dev.tufrepo;
