// Exact arithmetic for the suppression algebra. Two tools, one per job:
//
// - `span.ts` (secondary suppression) eliminates *fraction-free* on BigInt integers: rows are kept primitive (gcd of
//   entries 1), so 0/1 inputs stay small integers and no division ever rounds. Only `gcd` is needed from here.
// - `disclosure-audit.ts` works over exact rationals (`Rational`), because its output is a witness: coefficients such
//   as 1/2 that reconstruct a suppressed cell from published ones. Using a different representation there also keeps
//   the audit an independent code path from the algorithm it audits.
//
// Floating point is never acceptable here: a rounding error turns "derivable" into "safe".

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const fits = (value: number): boolean => value <= SAFE && value >= -SAFE;

/** gcd of two safe integers, as `gcd` for numbers (the fast paths of span.ts and of `Rational`). */
export function gcdNumber(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    [x, y] = [y, x % y];
  }
  return x;
}

/**
 * An exact rational number `num/den`, always normalised: `den > 0` and `gcd(num, den) = 1`. Immutable.
 * Held in doubles while numerator and denominator are safe integers (nearly always: the audit's rows
 * are 0/1 vectors), in BigInt otherwise; every operation checks its results stay exact before it
 * keeps them in doubles, so the two forms give the same numbers.
 */
export class Rational {
  static readonly ZERO = new Rational(0, 1, undefined);
  static readonly ONE = new Rational(1, 1, undefined);
  /** -64..64, shared: the entries of an elimination of 0/1 rows are nearly all small integers. */
  private static readonly SMALL = Array.from({ length: 129 }, (_, n) =>
    n === 64 ? Rational.ZERO : n === 65 ? Rational.ONE : new Rational(n - 64, 1, undefined),
  );

  /** An integer held in doubles (|value| a safe integer), shared when small. */
  private static integer(value: number): Rational {
    return value >= -64 && value <= 64 ? (Rational.SMALL[value + 64] as Rational) : new Rational(value, 1, undefined);
  }

  private constructor(
    private readonly n: number,
    private readonly d: number,
    /** The exact value when it does not fit in safe integers; then `n` and `d` are unused. */
    private readonly big: { num: bigint; den: bigint } | undefined,
  ) {}

  get num(): bigint {
    return this.big?.num ?? BigInt(this.n);
  }

  get den(): bigint {
    return this.big?.den ?? BigInt(this.d);
  }

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    const n = typeof num === 'bigint' ? num : integer(num, 'numerator');
    const d = typeof den === 'bigint' ? den : integer(den, 'denominator');
    if (d === 0n) {
      throw new RangeError(`Rational: denominator must not be 0 (numerator ${n})`);
    }
    return Rational.normalised(n, d);
  }

  /** Parses what `toString` writes: `-3`, `7/2`. */
  static parse(text: string): Rational {
    const match = /^(-?\d+)(?:\/(\d+))?$/.exec(text);
    if (!match) {
      throw new RangeError(`Rational: expected "p" or "p/q" with integers, got "${text}"`);
    }
    return Rational.of(BigInt(match[1] as string), BigInt(match[2] ?? '1'));
  }

  private static normalised(num: bigint, den: bigint): Rational {
    if (num === 0n) {
      return Rational.ZERO;
    }
    const g = den === 1n ? 1n : gcd(num, den);
    const sign = den < 0n ? -1n : 1n;
    return Rational.fromBig((sign * num) / g, (sign * den) / g);
  }

  /** A normalised pair: in doubles when both fit. */
  private static fromBig(num: bigint, den: bigint): Rational {
    const limit = BigInt(SAFE);
    if (num <= limit && num >= -limit && den <= limit) {
      return new Rational(Number(num), Number(den), undefined);
    }
    return new Rational(0, 1, { num, den });
  }

  /** From safe integers with den ≠ 0, normalising in doubles. */
  private static fromSmall(num: number, den: number): Rational {
    if (num === 0) {
      return Rational.ZERO;
    }
    if (den === 1) {
      return Rational.integer(num);
    }
    const g = gcdNumber(num, den);
    const sign = den < 0 ? -1 : 1;
    return new Rational((sign * num) / g, (sign * den) / g, undefined);
  }

  isZero(): boolean {
    return this.big === undefined && this.n === 0;
  }

  add(other: Rational): Rational {
    if (this.big === undefined && other.big === undefined) {
      if (this.d === 1 && other.d === 1) {
        const sum = this.n + other.n;
        if (fits(sum)) return Rational.integer(sum);
      } else {
        const left = this.n * other.d;
        const right = other.n * this.d;
        const den = this.d * other.d;
        if (fits(left) && fits(right) && fits(den) && fits(left + right)) return Rational.fromSmall(left + right, den);
      }
    }
    return Rational.normalised(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return this.add(other.neg());
  }

  mul(other: Rational): Rational {
    if (this.big === undefined && other.big === undefined) {
      if (this.d === 1 && other.d === 1) {
        const product = this.n * other.n;
        if (fits(product)) return Rational.integer(product);
      } else {
        const num = this.n * other.n;
        const den = this.d * other.d;
        if (fits(num) && fits(den)) return Rational.fromSmall(num, den);
      }
    }
    return Rational.normalised(this.num * other.num, this.den * other.den);
  }

  div(other: Rational): Rational {
    if (other.isZero()) {
      throw new RangeError(`Rational: division of ${this.toString()} by 0`);
    }
    if (this.big === undefined && other.big === undefined) {
      const num = this.n * other.d;
      const den = this.d * other.n;
      if (fits(num) && fits(den)) return Rational.fromSmall(num, den);
    }
    return Rational.normalised(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    if (this.isZero()) return this;
    if (this.big === undefined)
      return this.d === 1 ? Rational.integer(-this.n) : new Rational(-this.n, this.d, undefined);
    return new Rational(0, 1, { num: -this.big.num, den: this.big.den });
  }

  equals(other: Rational): boolean {
    if (this.big === undefined && other.big === undefined) return this.n === other.n && this.d === other.d;
    return this.num === other.num && this.den === other.den;
  }

  /** num mod m and den mod m (m a prime below 2^26), each in [0, m): the audit's modular certificate. */
  residues(m: number): { num: number; den: number } {
    if (this.big === undefined) return { num: ((this.n % m) + m) % m, den: this.d % m };
    const big = BigInt(m);
    return { num: Number(((this.big.num % big) + big) % big), den: Number(this.big.den % big) };
  }

  /** `-3`, `7/2`: the form witnesses are reported in. */
  toString(): string {
    if (this.big === undefined) return this.d === 1 ? String(this.n) : `${this.n}/${this.d}`;
    return this.big.den === 1n ? this.big.num.toString() : `${this.big.num}/${this.big.den}`;
  }
}

function integer(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Rational: ${what} must be a safe integer, got ${value}`);
  }
  return BigInt(value);
}
