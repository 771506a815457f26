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

/** An exact rational number `num/den`, always normalised: `den > 0` and `gcd(num, den) = 1`. Immutable. */
export class Rational {
  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

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
    if (den === 1n) {
      return new Rational(num, 1n);
    }
    const g = gcd(num, den);
    const sign = den < 0n ? -1n : 1n;
    return new Rational((sign * num) / g, (sign * den) / g);
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  add(other: Rational): Rational {
    if (this.den === 1n && other.den === 1n) {
      return new Rational(this.num + other.num, 1n).orZero();
    }
    return Rational.normalised(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return this.add(other.neg());
  }

  mul(other: Rational): Rational {
    if (this.den === 1n && other.den === 1n) {
      return new Rational(this.num * other.num, 1n).orZero();
    }
    return Rational.normalised(this.num * other.num, this.den * other.den);
  }

  div(other: Rational): Rational {
    if (other.num === 0n) {
      throw new RangeError(`Rational: division of ${this.toString()} by 0`);
    }
    return Rational.normalised(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    return this.num === 0n ? this : new Rational(-this.num, this.den);
  }

  equals(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  /** `-3`, `7/2`: the form witnesses are reported in. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }

  private orZero(): Rational {
    return this.num === 0n ? Rational.ZERO : this;
  }
}

function integer(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Rational: ${what} must be a safe integer, got ${value}`);
  }
  return BigInt(value);
}
