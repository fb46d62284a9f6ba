namespace Runnel.Streams.Capacity;

/// <summary>
/// A token bucket refilled continuously from timestamps, in exact integer arithmetic.
/// </summary>
/// <remarks>
/// <para>
/// Units: time is <see cref="TimeSpan"/> ticks (10^7 per second) since the owner's origin; the level is stored as
/// tokens x ticks-per-second, so that a refill of <c>elapsed</c> ticks adds exactly <c>elapsed x rate</c> and no
/// fraction of a token is ever lost or invented (the long-run rate is exact, in simulated time as well).
/// Range: 10 GiB/s x 10^7 is about 1.1 x 10^17, well inside <see cref="long"/>.
/// </para>
/// <para>
/// The level may go below zero (debt): <see cref="Charge"/> always succeeds, and the owner decides what debt
/// blocks. The level never exceeds the capacity; a capacity of 0 gives a pure "pay afterwards" meter.
/// </para>
/// <para>Not thread-safe: a mutable struct that lives in a field of its owner and is used under the owner's lock.</para>
/// </remarks>
internal struct TokenBucket
{
    private const long Scale = TimeSpan.TicksPerSecond;

    private long _level;
    private long _capacity;
    private long _ratePerSecond;
    private long _lastRefill;

    /// <summary>Creates a full bucket.</summary>
    public TokenBucket(long ratePerSecond, long capacityTokens, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(capacityTokens);
        _ratePerSecond = ratePerSecond;
        _capacity = capacityTokens * Scale;
        _level = _capacity;
        _lastRefill = now;
    }

    /// <summary>Whole tokens available now (negative while in debt); call <see cref="Refill"/> first.</summary>
    public readonly long Tokens => _level >= 0 ? _level / Scale : -((-_level + Scale - 1) / Scale);

    public readonly long CapacityTokens => _capacity / Scale;

    public readonly long RatePerSecond => _ratePerSecond;

    public readonly bool IsFull => _level >= _capacity;

    public readonly bool IsInDebt => _level < 0;

    /// <summary>Adds the tokens earned since the last refill. Time that goes backwards earns nothing.</summary>
    public void Refill(long now)
    {
        long elapsed = now - _lastRefill;
        if (elapsed <= 0)
        {
            return;
        }
        _lastRefill = now;
        long missing = _capacity - _level;
        if (missing <= 0)
        {
            return;
        }
        // Compare before multiplying: after a long idle gap elapsed x rate would overflow.
        if (elapsed > missing / _ratePerSecond)
        {
            _level = _capacity;
        }
        else
        {
            _level = Math.Min(_capacity, _level + (elapsed * _ratePerSecond));
        }
    }

    /// <summary>
    /// Whether <paramref name="tokens"/> can be taken without debt, or, with <paramref name="allowDebtWhenFull"/>,
    /// whether the bucket is full (an oversized take then leaves it in debt).
    /// </summary>
    public readonly bool CanTake(long tokens, bool allowDebtWhenFull) =>
        tokens * Scale <= _level || (allowDebtWhenFull && _level >= _capacity);

    /// <summary>Removes tokens unconditionally; the level may go negative.</summary>
    public void Charge(long tokens) => _level -= tokens * Scale;

    /// <summary>Returns tokens taken earlier (a refund), never above the capacity.</summary>
    public void Return(long tokens) => _level = Math.Min(_capacity, _level + (tokens * Scale));

    /// <summary>Changes rate and capacity; earned tokens are settled at the old rate first, and the level is clamped.</summary>
    public void Reconfigure(long ratePerSecond, long capacityTokens, long now)
    {
        Refill(now);
        _ratePerSecond = ratePerSecond;
        _capacity = capacityTokens * Scale;
        _level = Math.Min(_level, _capacity);
    }

    /// <summary>Ticks until the level reaches <paramref name="tokens"/> (0 if it already has), at the current rate.</summary>
    public readonly long TicksUntil(long tokens)
    {
        long needed = (tokens * Scale) - _level;
        return needed <= 0 ? 0 : (needed + _ratePerSecond - 1) / _ratePerSecond;
    }
}
