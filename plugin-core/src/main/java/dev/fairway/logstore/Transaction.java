package dev.fairway.logstore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;

/**
 * One write transaction of {@link JdbcLogStore}: the process's write lock (SQLite) taken, a pooled
 * connection with auto-commit off, and on {@link #close} a rollback unless {@link #commit} ran, the
 * connection's auto-commit restored and the lock released. The one place that begins and ends a
 * write, whether it runs one piece of work ({@link JdbcLogStore#tx}) or spans several calls
 * ({@link JdbcAppend}). Used by one thread: the lock is released by the thread that took it.
 */
final class Transaction implements AutoCloseable {
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    private final Lock lock;
    private final Connection connection;
    private final boolean autoCommit;
    private boolean done;

    private Transaction(Lock lock, Connection connection, boolean autoCommit) {
        this.lock = lock;
        this.connection = connection;
        this.autoCommit = autoCommit;
    }

    /** @param lock taken first and held until {@link #close}; null where the database orders its writers itself */
    static Transaction begin(Lock lock, Connections connections) throws SQLException {
        if (lock != null) {
            lock.lock();
        }
        Connection c = null;
        try {
            c = connections.open();
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            return new Transaction(lock, c, auto);
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (lock != null) {
                lock.unlock();
            }
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    void commit() throws SQLException {
        connection.commit();
        done = true;
    }

    /** Rolls back unless committed, and gives the connection and the lock back. */
    @Override
    public void close() throws SQLException {
        try (Connection c = connection) {
            try {
                if (!done) {
                    c.rollback();
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }
}
