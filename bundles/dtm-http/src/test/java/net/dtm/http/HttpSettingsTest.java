package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Defaults, paths under ${karaf.etc} and clear refusals. */
class HttpSettingsTest {

    @Test
    void defaultsPutTheKeyFileInKarafEtc() {
        HttpSettings s = HttpSettings.of("127.0.0.1", 8181, false, "", "", "", 10 << 20, 8, "/opt/dtm/etc");
        assertEquals(Path.of("/opt/dtm/etc/dtm-api-keys"), s.keysFile());
        assertEquals(Optional.empty(), s.keystore());
    }

    @Test
    void karafEtcInAPathIsReplaced() {
        HttpSettings s = HttpSettings.of("0.0.0.0", 0, true, "${karaf.etc}/tls/server.p12", "${karaf.etc}/tls/pass",
                "${karaf.etc}/keys", 1, 1, "/opt/dtm/etc");
        assertEquals(Optional.of(Path.of("/opt/dtm/etc/tls/server.p12")), s.keystore());
        assertEquals(Optional.of(Path.of("/opt/dtm/etc/tls/pass")), s.passwordFile());
        assertEquals(Path.of("/opt/dtm/etc/keys"), s.keysFile());
    }

    @Test
    void badValuesNameTheirKey() {
        assertMessage("port", () -> HttpSettings.of("127.0.0.1", 70000, false, "", "", "", 1, 1, "etc"));
        assertMessage("threads", () -> HttpSettings.of("127.0.0.1", 1, false, "", "", "", 1, 0, "etc"));
        assertMessage("max.body.bytes", () -> HttpSettings.of("127.0.0.1", 1, false, "", "", "", -1, 1, "etc"));
        assertMessage("bind.host", () -> HttpSettings.of(" ", 1, false, "", "", "", 1, 1, "etc"));
        assertMessage("tls.keystore.file", () -> HttpSettings.of("127.0.0.1", 1, true, "", "p", "", 1, 1, "etc"));
    }

    private static void assertMessage(String key, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(key), x.getMessage());
    }
}
