/**
 * A retry budget per provider, in the style of the AWS SDK's "standard" retry mode: a bucket of
 * 500 tokens; a retry spends 5 (10 after a timeout); a success refunds what its retries spent, or
 * 1 when it needed none. When a provider is down every caller's retries drain the shared bucket,
 * and then calls fail after their first attempt instead of multiplying the load (a retry storm).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly capacity?: number
  readonly retryCost?: number
  readonly timeoutCost?: number
  readonly successRefund?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryBudget {
  /** Spends the cost of one retry; returns the cost, or undefined when the bucket cannot pay. */
  readonly take: (provider: string, afterTimeout: boolean) => number | undefined
  /** A call succeeded after spending `spent` on retries. */
  readonly succeeded: (provider: string, spent: number) => void
  /** Tokens left (for tests and metrics). */
  readonly available: (provider: string) => number
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): RetryBudget => {
  const capacity = options?.capacity ?? 500
  const retryCost = options?.retryCost ?? 5
  const timeoutCost = options?.timeoutCost ?? 10
  const refund = options?.successRefund ?? 1
  const buckets = new Map<string, number>()
  const get = (p: string) => buckets.get(p) ?? capacity
  return {
    take(provider, afterTimeout) {
      const cost = afterTimeout ? timeoutCost : retryCost
      const left = get(provider)
      if (left < cost) return undefined
      buckets.set(provider, left - cost)
      return cost
    },
    succeeded(provider, spent) {
      const left = get(provider)
      if (left >= capacity) return
      buckets.set(provider, Math.min(capacity, left + (spent > 0 ? spent : refund)))
    },
    available: get
  }
}

/**
 * A budget that never refuses (retries limited by `maxRetries` only).
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: RetryBudget = { take: () => 0, succeeded: () => {}, available: () => Infinity }
