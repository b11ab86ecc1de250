package dev.cutover.benchmarks;

import java.util.concurrent.Callable;

/** The shared ending of the benchmark programs (not JMH): print the results, or the failure. */
final class Mains {
  private Mains() {}

  /**
   * Runs one program: prints the Markdown that {@code results} returns and exits 0; when it
   * throws, prints what failed and exits 1. {@code afterwards} runs before a successful exit.
   */
  static void run(String name, Callable<String> results, Runnable afterwards) {
    String markdown;
    try {
      markdown = results.call();
    } catch (Exception | Error e) {
      System.out.flush();
      System.err.println(name + " benchmark could not run: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
      return;
    }
    System.out.println();
    System.out.println(markdown);
    System.out.flush();
    afterwards.run();
    System.exit(0);
  }
}
