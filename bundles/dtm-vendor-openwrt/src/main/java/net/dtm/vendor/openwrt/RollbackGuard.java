package net.dtm.vendor.openwrt;

/**
 * What survives a reboot inside the rollback window. rpcd keeps its rollback timer and snapshot
 * in memory and under {@code /var/run} (tmpfs), so a reboot before the confirmation keeps the new,
 * unconfirmed configuration. Before every change this adapter therefore copies
 * {@code /etc/config/network} to {@code /etc/dtm/rollback/network} on flash and writes the marker
 * {@code /etc/dtm/rollback/pending}; an init script it installs once, {@code /etc/init.d/dtm-rollback}
 * ({@code START=15}, before netifd's {@code START=20}), restores the copy at boot if the marker is
 * still there and leaves {@code /etc/dtm/rollback/restored} for the next session to report.
 * Confirming or reverting removes marker and copy; a marker whose change is no longer pending in
 * rpcd and whose rpcd session has ended (the core died and rpcd's timer undid the change) is removed
 * by the next {@code read}, so a later reboot cannot put back a configuration that is out of date.
 * Every write and removal of these files, here and in the boot script, is followed by {@code sync}:
 * a power cut right after a confirmation must not leave the marker on flash.
 */
final class RollbackGuard {

    static final String DIR = "/etc/dtm/rollback";
    static final String COPY = DIR + "/network";
    static final String PENDING = DIR + "/pending";
    static final String RESTORED = DIR + "/restored";
    static final String SCRIPT = "/etc/init.d/dtm-rollback";

    /** The init script, byte for byte as installed. */
    static final String SCRIPT_TEXT = """
            #!/bin/sh /etc/rc.common
            # Installed by DTM. Restores the network configuration saved before a change that was never
            # confirmed: rpcd's rollback timer does not survive a reboot.
            START=15
            boot() {
            	[ -f /etc/dtm/rollback/pending ] || return 0
            	cp /etc/dtm/rollback/network /etc/config/network
            	sync
            	mv /etc/dtm/rollback/pending /etc/dtm/rollback/restored
            	sync
            	logger -t dtm-rollback "restored the network configuration saved before an unconfirmed change"
            }
            """;

    private RollbackGuard() {
    }

    /** Prints the installed script. */
    static String show() {
        return "cat " + SCRIPT;
    }

    /** Fails unless the script is enabled. */
    static String enabled() {
        return SCRIPT + " enabled";
    }

    /** Writes the script (a heredoc: the command spans several lines). */
    static String write() {
        return "cat > " + SCRIPT + " <<'DTM_SCRIPT_EOF'\n" + SCRIPT_TEXT + "DTM_SCRIPT_EOF";
    }

    /** Makes the script executable and enables it. */
    static String enable() {
        return "chmod 755 " + SCRIPT + " && " + SCRIPT + " enable && sync";
    }

    /** Saves the configuration in force and arms the boot-time restore for session {@code sid}. */
    static String save(String sid) {
        if (!DeviceCommands.isSid(sid)) {
            throw new IllegalArgumentException("'" + sid + "' is not an rpcd session id");
        }
        return "mkdir -p " + DIR + " && cp /etc/config/network " + COPY + " && echo " + sid + " > " + PENDING + " && sync";
    }

    /** Disarms the boot-time restore. */
    static String clear() {
        return "rm -f " + PENDING + " " + COPY + " && sync";
    }

    /** Prints the armed marker (the rpcd session id of the change it guards), failing when there is none. */
    static String pendingMarker() {
        return "cat " + PENDING;
    }

    /** Prints the marker a boot-time restore left, failing when there is none. */
    static String restoredMarker() {
        return "cat " + RESTORED;
    }

    /** Removes that marker once reported. */
    static String clearRestoredMarker() {
        return "rm -f " + RESTORED + " && sync";
    }
}
