package dev.cutover.replication.internal.jdbc;

import dev.cutover.jdbc.SqlDialect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Which SQL errors a conditional write may retry, and the pause before it does. */
final class SqlErrors {
    private SqlErrors() {}

    /**
     * Whether {@code e} (or an exception it chains) rolled back only the failed statement or
     * transaction because of other writers: deadlock, serialization failure, lock wait timeout,
     * H2's concurrent update. Such a statement wrote nothing and may run again.
     */
    static boolean isContention(SQLException e, SqlDialect dialect) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState() == null ? "" : x.getSQLState();
            if (state.startsWith("40")) {
                return true; // 40001 serialization failure or deadlock, 40P01 deadlock
            }
            int code = x.getErrorCode();
            if (dialect == SqlDialect.MYSQL && (code == 1205 || code == 1213)) {
                return true;
            }
            if (dialect == SqlDialect.H2 && (code == 90131 || code == 50200 || code == 40001)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} is a duplicate key (unique violation) error. */
    static boolean isDuplicateKey(SQLException e, SqlDialect dialect) {
        for (SQLException x : chain(e)) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
            if (dialect == SqlDialect.MYSQL && x.getErrorCode() == 1062) {
                return true;
            }
        }
        return false;
    }

    private static List<SQLException> chain(SQLException e) {
        List<SQLException> all = new ArrayList<>();
        for (Throwable t = e; t instanceof SQLException s && all.size() < 8; ) {
            all.add(s);
            t = s.getNextException() != null ? s.getNextException() : s.getCause();
        }
        return all;
    }

    /** A jittered pause growing with the attempt: up to 1, 2, 4 ... 64 ms. */
    static void pause(int attempt) {
        long maxMillis = 1L << Math.min(attempt, 6);
        LockSupport.parkNanos(
                TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextLong(100, maxMillis * 1000 + 1)));
    }
}
