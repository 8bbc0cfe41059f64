package dev.tufrepo.rest;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Logging set-up of the server process (never done by {@link TufrepoServer#start}). */
final class Logging {
  private Logging() {}

  /** Routes java.util.logging to SLF4J; switches the console to JSON lines when asked. */
  static void configure(boolean json) {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    if (!json || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("json");
    console.setEncoder(encoder);
    console.start();
    root.addAppender(console);
  }
}
