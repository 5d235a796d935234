package dev.podnet.cidr;

import java.math.BigInteger;

/**
 * A Calico {@code IPPool} as capacity: how many affinity blocks of {@code blockSize} it splits into
 * and how many addresses a block gives a node.
 *
 * <p>Calico's own IPAM assigns blocks to nodes on demand, so a node's pod CIDR is not fixed: a node
 * takes more blocks when its first fills, up to {@link #DEFAULT_MAX_BLOCKS_PER_HOST} in the
 * versions that cap it, and may borrow from other nodes' blocks when strict affinity is off.
 *
 * @param cidr the pool's {@code spec.cidr}
 * @param blockSize {@code spec.blockSize}, between the pool's prefix length and the address width
 */
public record CalicoPool(Cidr cidr, int blockSize) {

  /** {@code spec.blockSize} default for IPv4 pools: /26, 64 addresses a block. */
  public static final int DEFAULT_IPV4_BLOCK_SIZE = 26;

  /** {@code spec.blockSize} default for IPv6 pools: /122, 64 addresses a block. */
  public static final int DEFAULT_IPV6_BLOCK_SIZE = 122;

  /** libcalico-go's per-host block limit when neither IPAMConfig nor the request sets one. */
  public static final int DEFAULT_MAX_BLOCKS_PER_HOST = 20;

  /** Addresses the Windows CNI plugin reserves per block: the first 3 and the last 1. */
  public static final int WINDOWS_RESERVED_PER_BLOCK = 4;

  /**
   * @throws IllegalArgumentException when the block size is outside {@code [prefix, bits]}; the API
   *     says it "must be between 0 and 32 for IPv4 and between 0 and 128 for IPv6" and "smaller
   *     than or equal to the size of the pool CIDR"
   */
  public CalicoPool {
    int bits = cidr.family().bits();
    if (blockSize < cidr.prefixLength() || blockSize > bits) {
      throw new IllegalArgumentException(
          "blockSize "
              + blockSize
              + " of IP pool "
              + cidr
              + " must be between "
              + cidr.prefixLength()
              + " (the pool's prefix) and "
              + bits);
    }
  }

  /** A pool with the default block size of its family. */
  public static CalicoPool withDefaultBlockSize(Cidr cidr) {
    return new CalicoPool(
        cidr, cidr.family() == IpFamily.IPV4 ? DEFAULT_IPV4_BLOCK_SIZE : DEFAULT_IPV6_BLOCK_SIZE);
  }

  /** Blocks in the pool: {@code 2^(blockSize - prefix)}; 1024 /26 blocks in a /16. */
  public BigInteger blockCount() {
    return BigInteger.ONE.shiftLeft(blockSize - cidr.prefixLength());
  }

  /** Addresses in one block: {@code 2^(bits - blockSize)}. */
  public BigInteger addressesPerBlock() {
    return BigInteger.ONE.shiftLeft(cidr.family().bits() - blockSize);
  }

  /**
   * Addresses of one block that pods can get: all of them on Linux, four fewer on Windows (60 of a
   * /26).
   */
  public BigInteger podAddressesPerBlock(boolean windows) {
    BigInteger all = addressesPerBlock();
    return windows
        ? all.subtract(BigInteger.valueOf(WINDOWS_RESERVED_PER_BLOCK)).max(BigInteger.ZERO)
        : all;
  }
}
