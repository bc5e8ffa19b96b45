#pragma once
// Private to the calculators: an exact rational that lives in two 128-bit
// integers while its numerator and denominator fit (nearly always: minor
// units times 10^12-scaled rates), and moves to Boost's arbitrary-precision
// cpp_rational when an operation would overflow. Same values, same results
// as cpp_rational throughout (tested against it), without an allocation and
// a multi-limb gcd on every operation.
//
// Invariants of the small form: d_ > 0 and gcd(|n_|, d_) == 1, so equal
// values have equal representations.
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp::engine_detail {

using BigInt = boost::multiprecision::cpp_int;
using BigRational = boost::multiprecision::cpp_rational;

class Exact {
 public:
  using int128 = detail::int128;
  using uint128 = detail::uint128;

  Exact() noexcept = default;
  Exact(int v) noexcept : n_(v) {}  // NOLINT: integers convert implicitly, as for cpp_rational
  Exact(long v) noexcept : n_(v) {}
  Exact(long long v) noexcept : n_(v) {}
  explicit Exact(const BigInt& n) { *this = from_big(BigRational(n)); }
  // Boost's rational wants a positive denominator; the sign moves to n.
  Exact(const BigInt& n, const BigInt& d) {
    *this = d < 0 ? from_big(BigRational(BigInt(-n), BigInt(-d))) : from_big(BigRational(n, d));
  }

  // n / d, d != 0, normalised.
  static Exact fraction(int128 n, int128 d) {
    if (d < 0) {
      if (n == kMin || d == kMin) return Exact(big(n), big(d));
      n = -n, d = -d;
    }
    const int128 g = int128(gcd(magnitude(n), uint128(d)));
    Exact e;
    e.n_ = g > 1 ? n / g : n;
    e.d_ = g > 1 ? d / g : d;
    return e;
  }

  bool is_big() const noexcept { return bool(b_); }

  // The value rounded to an integer by `mode`, when it is in the small form.
  std::optional<int128> rounded_small(RoundingMode mode) const {
    if (b_) return std::nullopt;
    return divide_rounded<int128>(n_, d_, mode);
  }

  friend BigInt numerator(const Exact& e) {
    return e.b_ ? boost::multiprecision::numerator(*e.b_) : big(e.n_);
  }
  friend BigInt denominator(const Exact& e) {
    return e.b_ ? boost::multiprecision::denominator(*e.b_) : big(e.d_);
  }
  friend Exact abs(const Exact& e) { return e < Exact(0) ? -e : e; }

  // The value rounded to an integer by `mode` (the calculators' one narrowing).
  friend BigInt round_to_integer(const Exact& e, RoundingMode mode) {
    if (!e.b_) return big(divide_rounded<int128>(e.n_, e.d_, mode));
    return divide_rounded<BigInt>(boost::multiprecision::numerator(*e.b_),
                                  boost::multiprecision::denominator(*e.b_), mode);
  }

  friend Exact operator-(const Exact& a) {
    if (a.b_ || a.n_ == kMin) return from_big(-a.to_big());
    Exact e = a;
    e.n_ = -a.n_;
    return e;
  }

  friend Exact operator+(const Exact& a, const Exact& b) {
    if (!a.b_ && !b.b_) {
      int128 n, x, y, d;
      if (a.d_ == b.d_) {
        if (!__builtin_add_overflow(a.n_, b.n_, &n)) return fraction(n, a.d_);
      } else if (!__builtin_mul_overflow(a.n_, b.d_, &x) && !__builtin_mul_overflow(b.n_, a.d_, &y) &&
                 !__builtin_add_overflow(x, y, &n) && !__builtin_mul_overflow(a.d_, b.d_, &d)) {
        return fraction(n, d);
      }
    }
    return from_big(a.to_big() + b.to_big());
  }
  friend Exact operator-(const Exact& a, const Exact& b) { return a + (-b); }

  friend Exact operator*(const Exact& a, const Exact& b) {
    if (!a.b_ && !b.b_) {
      // Cross-reduce first: the product of normalised fractions is then normalised.
      const int128 g1 = int128(gcd(magnitude(a.n_), uint128(b.d_)));
      const int128 g2 = int128(gcd(magnitude(b.n_), uint128(a.d_)));
      int128 n, d;
      if (a.n_ != kMin && b.n_ != kMin &&
          !__builtin_mul_overflow(g1 > 1 ? a.n_ / g1 : a.n_, g2 > 1 ? b.n_ / g2 : b.n_, &n) &&
          !__builtin_mul_overflow(g2 > 1 ? a.d_ / g2 : a.d_, g1 > 1 ? b.d_ / g1 : b.d_, &d)) {
        Exact e;
        e.n_ = n;
        e.d_ = n == 0 ? 1 : d;
        return e;
      }
    }
    return from_big(a.to_big() * b.to_big());
  }
  friend Exact operator/(const Exact& a, const Exact& b) {
    if (!b.b_) {
      if (b.n_ == 0) throw std::domain_error("division by zero");
      if (b.n_ != kMin) {
        Exact inverse;  // d/n, sign on the numerator; normalised already
        inverse.n_ = b.n_ < 0 ? -b.d_ : b.d_;
        inverse.d_ = b.n_ < 0 ? -b.n_ : b.n_;
        return a * inverse;
      }
    }
    return from_big(a.to_big() / b.to_big());
  }

  Exact& operator+=(const Exact& o) { return *this = *this + o; }
  Exact& operator-=(const Exact& o) { return *this = *this - o; }
  Exact& operator*=(const Exact& o) { return *this = *this * o; }
  Exact& operator/=(const Exact& o) { return *this = *this / o; }

  friend bool operator==(const Exact& a, const Exact& b) {
    if (!a.b_ && !b.b_) return a.n_ == b.n_ && a.d_ == b.d_;
    return a.to_big() == b.to_big();
  }
  friend bool operator<(const Exact& a, const Exact& b) {
    if (!a.b_ && !b.b_) {
      if (a.d_ == b.d_) return a.n_ < b.n_;
      int128 x, y;
      if (!__builtin_mul_overflow(a.n_, b.d_, &x) && !__builtin_mul_overflow(b.n_, a.d_, &y)) return x < y;
    }
    return a.to_big() < b.to_big();
  }
  friend bool operator!=(const Exact& a, const Exact& b) { return !(a == b); }
  friend bool operator>(const Exact& a, const Exact& b) { return b < a; }
  friend bool operator<=(const Exact& a, const Exact& b) { return !(b < a); }
  friend bool operator>=(const Exact& a, const Exact& b) { return !(a < b); }

  BigRational to_big() const { return b_ ? *b_ : BigRational(big(n_), big(d_)); }

 private:
  static constexpr int128 kMin = int128(uint128(1) << 127);
  static constexpr int128 kMax = ~kMin;

  static BigInt big(int128 v) {
    const bool negative = v < 0;
    const uint128 m = magnitude(v);
    BigInt r = BigInt(uint64_t(m >> 64));
    r <<= 64;
    r += BigInt(uint64_t(m));
    return negative ? BigInt(-r) : r;
  }
  static uint128 magnitude(int128 v) noexcept { return v < 0 ? uint128(0) - uint128(v) : uint128(v); }

  // Binary gcd, in 64 bits when both fit (the usual case).
  static uint128 gcd(uint128 a, uint128 b) noexcept {
    if (a == 0) return b;
    if (b == 0) return a;
    if ((a >> 64) == 0 && (b >> 64) == 0) return binary_gcd(uint64_t(a), uint64_t(b));
    return binary_gcd(a, b);
  }
  template <class U>
  static U binary_gcd(U a, U b) noexcept {  // a, b > 0
    const int shift = ctz(a | b);
    a >>= ctz(a);
    do {
      b >>= ctz(b);
      if (a > b) std::swap(a, b);
      b -= a;
    } while (b != 0);
    return a << shift;
  }
  static int ctz(uint64_t v) noexcept { return __builtin_ctzll(v); }
  static int ctz(uint128 v) noexcept {
    const uint64_t low = uint64_t(v);
    return low != 0 ? __builtin_ctzll(low) : 64 + __builtin_ctzll(uint64_t(v >> 64));
  }

  // Back to the small form when both parts fit.
  static Exact from_big(const BigRational& r) {
    const BigInt& n = boost::multiprecision::numerator(r);
    const BigInt& d = boost::multiprecision::denominator(r);
    static const BigInt lo = big(kMin + 1), hi = big(kMax);
    if (n >= lo && n <= hi && d <= hi) {
      Exact e;
      e.n_ = to_int128(n);
      e.d_ = to_int128(d);
      return e;
    }
    Exact e;
    e.b_ = std::make_shared<const BigRational>(r);
    return e;
  }
  static int128 to_int128(const BigInt& v) {
    const bool negative = v < 0;
    const BigInt m = negative ? BigInt(-v) : v;
    const uint128 high = uint128(static_cast<uint64_t>(m >> 64));
    const uint128 low = uint128(static_cast<uint64_t>(m & BigInt(~uint64_t(0))));
    const uint128 u = (high << 64) | low;
    return negative ? -int128(u) : int128(u);
  }

  int128 n_ = 0;
  int128 d_ = 1;
  std::shared_ptr<const BigRational> b_;  // set: the value is this (immutable, shared on copy)
};

}  // namespace salescomp::engine_detail
