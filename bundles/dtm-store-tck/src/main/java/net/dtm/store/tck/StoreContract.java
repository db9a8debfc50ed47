package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The life cycle every store contract shares: a fresh store before each test, reopened over the
 * same durable data on demand, closed after the test.
 *
 * @param <S> the store SPI under test
 */
public abstract class StoreContract<S> {

    /** The store under test (after {@link #reopenStore()} the reopened one). */
    protected S store;

    /**
     * A fresh, empty store. Called before every test; the same instance is then handed to
     * {@link #reopen} and finally to {@link #close}.
     */
    protected abstract S newStore() throws Exception;

    /**
     * Closes {@code current} as a node shutting down would (or drops its connection/session) and
     * returns a new instance over the same durable data: a new JDBC store over the same database
     * directory, or a new ZooKeeper client session over the same ensemble and root path.
     */
    protected abstract S reopen(S current) throws Exception;

    /** Releases a store at the end of a test. Default: closes it if it is {@link AutoCloseable}. */
    protected void close(S current) throws Exception {
        if (current instanceof AutoCloseable c) {
            c.close();
        }
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
        assertNotNull(store, "newStore() returned null");
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            close(store);
        }
    }

    /** The store under test (after {@link #reopenStore()} the reopened one). */
    protected S store() {
        return store;
    }

    /** Reopens the store under test. */
    protected S reopenStore() throws Exception {
        S old = store;
        store = null;
        store = reopen(old);
        assertNotNull(store, "reopen() returned null");
        return store;
    }

    /**
     * How many of {@code threads} calls of {@code attempt} (each with its own number), started at
     * once, return true.
     */
    protected static int winners(int threads, IntPredicate attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int seed = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return attempt.test(seed);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : futures) {
                won += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            return won;
        } finally {
            pool.shutdownNow();
        }
    }
}
