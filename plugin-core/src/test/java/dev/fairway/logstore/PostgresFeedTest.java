package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared store: a database outage loses and duplicates nothing (the spool holds the records
 * until it is back), and two nodes feeding one PostgreSQL add up. Each node here is a spool with its
 * own writer and feeder in this JVM (the gateway's own path from spool to store).
 */
class PostgresFeedTest {
    static PostgresFixture pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresTests.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void anOutageLosesNothingAndDuplicatesNothingAndTwoNodesAddUp() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Spool spoolA = Spool.open(a, 4096, 60_000, Clock.systemUTC());
             Spool spoolB = Spool.open(b, 4096, 60_000, Clock.systemUTC());
             SpoolWriter writerA = new SpoolWriter(spoolA, 4096, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, Clock.systemUTC(), () -> { });
             SpoolWriter writerB = new SpoolWriter(spoolB, 4096, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, Clock.systemUTC(), () -> { });
             LogStore storeA = LogStores.postgres(pg.url(), pg.user(), null, 2);
             LogStore storeB = LogStores.postgres(pg.url(), pg.user(), null, 2)) {
            StoreFeeder feedA = new StoreFeeder(a, storeA, "node-a", 50, 20, RouteRetention.none(), 100);
            StoreFeeder feedB = new StoreFeeder(b, storeB, "node-b", 50, 20, RouteRetention.none(), 100);
            for (int i = 0; i < 150; i++) {
                writerA.submit(FakeRecords.request("a" + i, "chat", StoreFeederTest.T0 + i));
            }
            for (int i = 0; i < 70; i++) {
                writerB.submit(FakeRecords.request("b" + i, "chat", StoreFeederTest.T0 + i));
            }
            writerA.flush(false).join();
            writerB.flush(false).join();
            StoreFeederTest.await("both fed", () -> feedA.position() == 150 && feedB.position() == 70);

            pg.stop();
            for (int i = 150; i < 400; i++) {
                writerA.submit(FakeRecords.request("a" + i, "chat", StoreFeederTest.T0 + i));
            }
            writerA.flush(true).join();
            StoreFeederTest.await("the outage noticed", () -> feedA.failures() > 0);
            pg.restart();
            StoreFeederTest.await("caught up", () -> feedA.position() == 400);
            feedA.close();
            feedB.close();
            assertThat(storeA.count("chat")).isEqualTo(400 + 70);
            assertThat(storeB.list(LogFilter.route("chat"), LogStore.Sort.TIME, false, null, 1000).logs())
                    .hasSize(470).extracting(StoredLog::logId).doesNotHaveDuplicates();
            assertThat(storeA.position("node-a")).isEqualTo(400);
            assertThat(storeA.position("node-b")).isEqualTo(70);
        }
    }
}
