package net.dtm.config;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;

/**
 * A test on a fresh {@link Rig} (default settings, the fake adapter registered) in a temporary folder,
 * closed after each test; {@link #v} is the sample VXLAN intent. A test may replace {@link #rig}: the
 * one it leaves is closed.
 */
abstract class OnRig {

    @TempDir
    Path dir;
    Rig rig;
    final TunnelIntent v = Samples.vxlan();

    @BeforeEach
    void start() {
        rig = new Rig(dir);
    }

    @AfterEach
    void stop() {
        rig.close();
    }
}
