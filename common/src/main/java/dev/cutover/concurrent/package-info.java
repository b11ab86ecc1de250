/**
 * Thread plumbing shared by the journal, the dual-write proxy and replication: named daemon
 * threads ({@link dev.cutover.concurrent.DaemonThreads}).
 */
@NullMarked
package dev.cutover.concurrent;

import org.jspecify.annotations.NullMarked;
