/**
 * {@code podnet fix reclaim-ips}: releases host-local reservations whose sandbox is gone, safely.
 *
 * <p>A reservation file ({@code <dataDir>/<network>/<ip>}) is released only when every guard
 * agrees: the runtime's sandbox list was read and has no sandbox with the file's container id; the
 * file is older than that list; two observations at least the cooldown apart both saw it leaked
 * with the same container id; and no pod of the node in the API holds the address. Released files
 * are moved, never deleted, to a dated backup folder whose manifest is written first, and {@code
 * --restore} puts them back byte for byte.
 *
 * <p>The decision is a value made by {@link dev.podnet.fix.reclaim.ReclaimPlanner} (pure, clock
 * passed in); {@link dev.podnet.fix.reclaim.HostLocalDisk} reads and moves the files and {@link
 * dev.podnet.fix.reclaim.ObservationStore} keeps the observations. For Calico and Cilium podnet
 * edits nothing: {@link dev.podnet.fix.reclaim.VendorCommands} prints the vendors' own commands.
 */
package dev.podnet.fix.reclaim;
