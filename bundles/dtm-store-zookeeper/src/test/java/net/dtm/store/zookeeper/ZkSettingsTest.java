package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZkSettingsTest {

    @TempDir
    Path dir;

    private static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String refusal(Map<String, Object> c) {
        return assertThrows(IllegalArgumentException.class, () -> ZkSettings.fromConfig(c)).getMessage();
    }

    @Test
    void defaultsApplyToAbsentKeys() {
        ZkSettings s = ZkSettings.fromConfig(config("connect", "zk1:2181,zk2:2181", "auth.password", "pw", "type", "zookeeper"));
        assertEquals("zk1:2181,zk2:2181", s.connect());
        assertEquals("dtm", s.namespace());
        assertEquals(10_000, s.sessionTimeoutMs());
        assertEquals(3_000, s.connectionTimeoutMs());
        assertEquals("dtm", s.user());
        assertEquals("pw", s.password());
        assertEquals(net.dtm.api.HostPort.localNodeId(), s.nodeId());
        assertTrue(s.nodeId().matches("[A-Za-z0-9._-]{1,64}"), s.nodeId());
        assertEquals("", s.site());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        ZkSettings s = ZkSettings.fromConfig(config("connect", "a:1", "namespace", "dtm/prod", "session.timeout.ms", "20000",
                "connection.timeout.ms", 1500, "auth.user", "ops", "auth.password.file", file.toString(), "node.id", "n-7",
                "site", " west ", "request.timeout.ms", "2500"));
        assertEquals(new ZkSettings("a:1", "dtm/prod", 20000, 1500, "ops", "from-file", "n-7", "west", 2500), s);
        assertEquals(ZkSettings.DEFAULT_REQUEST_TIMEOUT_MS, ZkSettings.of("a:1", "pw", "n1").requestTimeoutMs());
    }

    @Test
    void missingOrBadSettingsAreRefusedNamingTheKey() {
        assertTrue(refusal(config("auth.password", "pw")).startsWith("connect"));
        assertTrue(refusal(config("connect", "a b:1", "auth.password", "pw")).contains("blanks"));
        assertTrue(refusal(config("connect", "a:1")).contains("auth.password"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "x", "auth.password.file", "/f")).contains("both"));
        assertTrue(refusal(config("connect", "a:1", "auth.password.file", dir.resolve("missing").toString()))
                .contains("cannot be read"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "node.id", "a/b")).startsWith("node.id"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "namespace", "/dtm")).startsWith("namespace"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "session.timeout.ms", "ten")).contains("whole number"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "session.timeout.ms", "10")).startsWith("session"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "connection.timeout.ms", "0")).startsWith("connection"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "auth.user", "a:b")).startsWith("auth.user"));
        assertTrue(refusal(config("connect", "a:1", "auth.password", "pw", "request.timeout.ms", "99")).startsWith("request"));
    }

    @Test
    void emptyPasswordFileIsRefused() throws Exception {
        Path file = dir.resolve("empty");
        Files.writeString(file, "  \n");
        assertTrue(refusal(config("connect", "a:1", "auth.password.file", file.toString())).contains("empty"));
    }

    @Test
    void toStringNeverShowsThePassword() {
        ZkSettings s = ZkSettings.of("a:1", "very-secret", "n1");
        assertFalse(s.toString().contains("very-secret"), s.toString());
        assertTrue(s.toString().contains("n1"));
    }
}
