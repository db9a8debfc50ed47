package net.dtm.config.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void hidesTheLoginPasswordAnywhere() {
        assertEquals("echo ****|x", Redaction.hiding("p@ss").apply("echo p@ss|x"));
    }

    @Test
    void hidesValuesAfterCredentialKeywords() {
        Redaction r = Redaction.hiding(null);
        assertEquals("username bob secret 5 ****", r.apply("username bob secret 5 $1$abc$xyz"));
        assertEquals("/user set bob password=****", r.apply("/user set bob password=hunter2"));
        assertEquals("wg set wg0 private-key ****", r.apply("wg set wg0 private-key /etc/wg.key"));
        assertEquals("pre-shared-key cipher ****", r.apply("pre-shared-key cipher Secr3t"));
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertEquals("interface Tunnel0\n ip address 10.0.0.1 255.255.255.252",
                Redaction.hiding("").apply("interface Tunnel0\n ip address 10.0.0.1 255.255.255.252"));
    }
}
