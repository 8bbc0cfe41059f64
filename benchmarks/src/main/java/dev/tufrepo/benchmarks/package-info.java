/**
 * JMH benchmarks of tufrepo's hot paths: canonical JSON encoding of a large targets role, signing a
 * bin, and assigning target paths to succinct hash bins. Build with {@code mvn -pl benchmarks -am
 * package} and run {@code java -jar benchmarks/target/benchmarks.jar}.
 */
package dev.tufrepo.benchmarks;
