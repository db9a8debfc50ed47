package net.dtm.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardKeys;

/**
 * The rollback path, shared by a failed transaction and the reconcile after a crash: let the
 * device revert by itself when it has a commit-confirm timer, then read what is there, and if it
 * still differs from the snapshot apply the commands that bring it back; finally read again and
 * report whether the device matches the snapshot.
 */
final class Restorer {

    /**
     * How a restore went.
     *
     * @param restored true if the device's state read back matches the snapshot
     * @param commands the commands sent to restore
     * @param detail   what happened, one sentence for the history
     */
    record Outcome(boolean restored, List<String> commands, String detail) {
    }

    private final VendorAdapter adapter;
    private final Renderer renderer;

    Restorer(VendorAdapter adapter, Renderer renderer) {
        this.adapter = adapter;
        this.renderer = renderer;
    }

    /**
     * Brings interface {@code name} back to {@code snapshot}.
     *
     * @param deviceRevert ask the device's commit-confirm behaviour to revert first (it was armed)
     * @param keysFrom     an intent whose WireGuard private key file stands in for the snapshot's,
     *                     which a device cannot read back
     */
    Outcome restore(ConfigSession session, String name, TunnelIntent.Role role, Optional<TunnelIntent> snapshot,
                    boolean deviceRevert, Optional<TunnelIntent> keysFrom) {
        List<String> notes = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        Optional<TunnelIntent> target = snapshot.map(s -> withKeyFile(s, keysFrom));
        Optional<CommitConfirmBehaviour> confirm = adapter.behaviour(CommitConfirmBehaviour.class);
        if (deviceRevert && confirm.isPresent()) {
            try {
                confirm.get().revert(session);
                notes.add("device reverted the change");
            } catch (ConfigException | RuntimeException e) {
                notes.add("device revert failed (" + e.getMessage() + ")");
            }
        }
        Optional<TunnelIntent> current;
        try {
            current = session.read(name, role);
        } catch (ConfigException | RuntimeException e) {
            notes.add("cannot read the device to restore it (" + e.getMessage() + ")");
            return new Outcome(false, sent, "NOT restored: " + String.join("; ", notes));
        }
        IntentDiff left = IntentDiff.between(current, target);
        if (!left.isEmpty()) {
            List<String> commands = renderer.render(target, current, left);
            try {
                session.apply(commands);
                sent.addAll(commands);
            } catch (ConfigException | RuntimeException e) {
                notes.add("restore commands failed (" + e.getMessage() + ")");
            }
            try {
                current = session.read(name, role);
            } catch (ConfigException | RuntimeException e) {
                notes.add("cannot read the device after restoring (" + e.getMessage() + ")");
                return new Outcome(false, sent, "NOT restored: " + String.join("; ", notes));
            }
            left = IntentDiff.between(current, target);
        }
        if (left.isEmpty()) {
            notes.add(sent.isEmpty() ? "restored, nothing left to undo" : "restored with " + sent.size() + " commands");
            return new Outcome(true, sent, String.join("; ", notes));
        }
        notes.add("still differs from the snapshot: " + left);
        return new Outcome(false, sent, "NOT restored: " + String.join("; ", notes));
    }

    /** {@code snapshot} with the private key file of {@code keysFrom} when the snapshot's is unknown. */
    static TunnelIntent withKeyFile(TunnelIntent snapshot, Optional<TunnelIntent> keysFrom) {
        if (snapshot.wireGuard().isEmpty() || !snapshot.wireGuard().get().privateKeyFile().toString().isEmpty()) {
            return snapshot;
        }
        Optional<Path> file = keysFrom.flatMap(TunnelIntent::wireGuard).map(WireGuardKeys::privateKeyFile);
        if (file.isEmpty()) {
            return snapshot;
        }
        WireGuardKeys k = snapshot.wireGuard().get();
        return new TunnelIntent(snapshot.name(), snapshot.role(), snapshot.type(), snapshot.localOuter(),
                snapshot.remoteOuter(), snapshot.key(), snapshot.innerAddress(), snapshot.prefixLength(),
                snapshot.peerInner(), snapshot.routes(), snapshot.mtu(),
                Optional.of(new WireGuardKeys(file.get(), k.peerPublicKey(), k.listenPort())),
                snapshot.persistentKeepaliveSeconds());
    }
}
