package dev.cutover.dualwrite.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named {@code cutover-dualwrite-<repository>-<role>-<n>}, so a thread dump (or a
 * leak check) shows which proxy started them.
 */
final class DaemonThreads {
  /** Every thread the library starts has a name with this prefix. */
  static final String PREFIX = "cutover-dualwrite-";

  private DaemonThreads() {}

  static ThreadFactory named(String repository, String role) {
    AtomicInteger n = new AtomicInteger();
    String base = PREFIX + repository + "-" + role + "-";
    return r -> {
      Thread t = new Thread(r, base + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
