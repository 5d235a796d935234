package dev.podnet.cidr;

import java.util.Arrays;

/** The values of kube-controller-manager's {@code --cidr-allocator-type}. */
public enum CidrAllocatorType {
  RANGE_ALLOCATOR("RangeAllocator"),
  CLOUD_ALLOCATOR("CloudAllocator"),
  IPAM_FROM_CLUSTER("IPAMFromCluster"),
  IPAM_FROM_CLOUD("IPAMFromCloud");

  private final String flagValue;

  CidrAllocatorType(String flagValue) {
    this.flagValue = flagValue;
  }

  /** The spelling the flag uses, e.g. {@code RangeAllocator}. */
  public String flagValue() {
    return flagValue;
  }

  /**
   * The type a flag value names.
   *
   * @throws IllegalArgumentException for a value kube-controller-manager does not know
   */
  public static CidrAllocatorType fromFlag(String value) {
    return Arrays.stream(values())
        .filter(type -> type.flagValue.equals(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown --cidr-allocator-type: " + value));
  }
}
