;; vm_fuse.wat — functions written so the translator fuses them into
;; superinstructions (the accumulator _A forms, _IDX addresses, stores of
;; constants, _M memory operands), for tests/test_fuse.c, which checks the
;; fused code is there (wippy wasm dump) and computes what wasm says.
(module
  (memory (export "memory") 1)

  ;; base + (i << 2), wrapping at 32 bits: I32_LOAD_IDX
  (func (export "load_scaled") (param $base i32) (param $i i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))

  ;; base + i: I32_LOAD8_U_IDX with shift 0
  (func (export "load_sum") (param $a i32) (param $b i32) (result i32)
    (i32.load8_u (i32.add (local.get $a) (local.get $b))))

  ;; the shifted value is a temporary in the same slot as its operand
  (func (export "load_scaled_temp") (param $base i32) (param $i i32) (result i64)
    (i64.load (i32.add (local.get $base)
                       (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3)))))

  ;; a shift by 4 is not an index form; the sum still is
  (func (export "load_shift4") (param $base i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 4)))))

  ;; the shifted value is also kept in a local: it must still be computed
  (func (export "load_tee") (param $base i32) (param $i i32) (result i32)
    (local $t i32)
    (i32.add
      (i32.load (i32.add (local.get $base) (local.tee $t (i32.shl (local.get $i) (i32.const 2)))))
      (local.get $t)))

  ;; constants stored through each address form and for each type
  (func (export "store_constants") (param $base i32) (param $i i32)
    (i32.store (local.get $base) (i32.const 0x11223344))
    (i64.store offset=8 (i32.add (local.get $base) (i32.const 0)) (i64.const 0x0102030405060708))
    (f32.store offset=16 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
               (f32.const -1.5))
    (f64.store offset=48 (i32.add (local.get $base) (local.get $i)) (f64.const 0.25))
    (i32.store8 offset=32 (local.get $base) (i32.const 0x1ff))
    (i64.store16 offset=34 (local.get $base) (i64.const -2))
    (i64.store32 offset=36 (i32.add (local.get $base) (i32.const 4)) (i64.const 0x1_8000_0001)))

  ;; a computed value stored at base + i (the value is written first)
  (func (export "store_compare") (param $base i32) (param $i i32) (param $x i32) (param $y i32)
    (i32.store (i32.add (local.get $base) (local.get $i)) (i32.lt_s (local.get $x) (local.get $y))))

  ;; loads feeding binary operations: _M forms
  (func (export "mul_loaded") (param $p i32) (param $x f64) (result f64)
    (f64.mul (local.get $x) (f64.load (local.get $p))))
  (func (export "add_loaded_first") (param $p i32) (param $x i32) (result i32)
    (i32.add (i32.load (local.get $p)) (local.get $x)))
  (func (export "sub_loaded") (param $p i32) (param $x i64) (result i64)
    (i64.sub (local.get $x) (i64.load offset=8 (local.get $p))))
  (func (export "below_loaded") (param $p i32) (param $x i32) (result i32)
    (i32.lt_u (local.get $x) (i32.load (local.get $p))))
  (func (export "min_loaded") (param $p i32) (param $x f32) (result f32)
    (f32.min (local.get $x) (f32.load (local.get $p))))
  ;; the load's address p - 8 (wrapping) folds in too
  (func (export "mul_loaded_below") (param $p i32) (param $x f64) (result f64)
    (f64.mul (local.get $x) (f64.load (i32.sub (local.get $p) (i32.const 8)))))

  ;; chained results through the accumulator, trapping ones too
  (func (export "chain") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.rotl (i32.xor (i32.sub (i32.mul (local.get $a) (local.get $b)) (local.get $c))
                       (i32.const 0x5a5a5a5a))
              (i32.const 7)))
  (func (export "chain_div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (i32.add (local.get $a) (i32.const 1)) (local.get $b)))
  (func (export "chain_f64") (param $x f64) (param $y f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))))

  ;; a sieve: stores of a constant at base + j in a loop, counted after
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (local.set $i (i32.const 0))
    (loop $fill
      (i32.store8 offset=1024 (local.get $i) (i32.const 1))
      (br_if $fill (i32.le_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.load8_u offset=1024 (local.get $i))
        (then
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $done
            (loop $inner
              (br_if $done (i32.gt_s (local.get $j) (local.get $n)))
              (i32.store8 (i32.add (i32.const 1024) (local.get $j)) (i32.const 0))
              (local.set $j (i32.add (local.get $j) (local.get $i)))
              (br $inner)))))
      (br_if $outer (i32.le_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 2))
    (loop $tally
      (local.set $count (i32.add (local.get $count) (i32.load8_u offset=1024 (local.get $i))))
      (br_if $tally (i32.le_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $count))

  ;; rotating three locals: the copies at the loop's end join as COPY2
  (func (export "swap3") (param $a i32) (param $b i32) (param $c i32) (result i32 i32 i32)
    (local $t i32) (local $n i32)
    (loop $again
      (local.set $t (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $c))
      (local.set $c (local.get $t))
      (br_if $again (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 4))))
    (local.get $a) (local.get $b) (local.get $c))

  ;; counting down with i32.sub and br_if on the counter itself (a LOOP_
  ;; form comparing with 0), and counting up compared from the other side
  (func (export "countdown") (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum) (local.get $n)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
  (func (export "count_mirrored") (param $n i32) (result i32)
    (local $i i32) (local $steps i32)
    (loop $again
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 3))))))
    (local.get $steps))

  ;; read-modify-write of memory: the operation stores its result back
  (func (export "accumulate") (param $p i32) (param $x f64) (param $k i32) (param $y i64)
    (f64.store (local.get $p) (f64.add (local.get $x) (f64.load (local.get $p))))
    (i32.store offset=8 (local.get $p) (i32.xor (local.get $k) (i32.load offset=8 (local.get $p))))
    ;; stored elsewhere than it was loaded from: no read-modify-write
    (i64.store offset=16 (local.get $p) (i64.add (local.get $y) (i64.load offset=24 (local.get $p)))))

  ;; two pointers stepping together: their adds join as I32_ADD_IMM2
  (func (export "copy_words") (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (loop $again
      (i32.store (local.get $dst) (i32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.sub (local.get $src) (i32.const -4)))
      (br_if $again (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

  ;; pairs: a sha-256 style mix (rotates, xors, adds run two at a time),
  ;; and a copy whose pair partner, an i32.shl, is then folded into the
  ;; load's address instead (that pair must come undone; the copy then
  ;; pairs with the load)
  (func (export "sigma") (param $x i32) (param $y i32) (param $z i32) (result i32)
    (i32.add
      (i32.add (local.get $z)
               (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 26)) (i32.rotl (local.get $x) (i32.const 21)))
                        (i32.rotl (local.get $x) (i32.const 7))))
      (i32.xor (i32.and (local.get $x) (local.get $y)) (i32.and (i32.xor (local.get $x) (i32.const -1)) (local.get $z)))))
  (func (export "copy_then_index") (param $x i32) (param $b i32) (param $i i32) (result i32)
    (local $t i32)
    (local.set $t (local.get $x))
    (i32.add (local.get $t) (i32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))

  ;; a pair right after a v128 instruction: the v128 interpreter must hand
  ;; it back to the scalar one
  (func (export "pair_after_v128") (param $p i32) (param $a i32) (result i32)
    (v128.store (local.get $p) (v128.const i32x4 1 2 3 4))
    (local.set $a (i32.add (local.get $a) (i32.const 1)))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (i32.add (i32.add (local.get $a) (local.get $p)) (i32.load offset=12 (i32.const 64))))

  ;; a triple: xor, add, add (each taking the one before from the accumulator)
  (func (export "mix3") (param $a i32) (param $b i32) (param $c i32) (param $d i32) (result i32)
    (i32.add (local.get $d)
             (i32.add (local.get $c) (i32.xor (i32.mul (local.get $a) (local.get $b)) (local.get $b)))))

  ;; a group ending in a forward branch: a byte load and the if on it
  (func (export "count_set") (param $p i32) (param $end i32) (result i32)
    (local $c i32)
    (loop $l
      (if (i32.load8_u (local.get $p))
        (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (i32.ne (local.get $p) (local.get $end))))
    (local.get $c))

  ;; looping groups: a whole loop body in one group, run as a C loop.
  ;; A strided byte fill with its counter in a LOOP_ tail (I32_STORE8_IDX_IMM,
  ;; LOOP_I32_LE_S_SS): mem[base + j] = 0 for j = start, start + step, ...
  ;; while j <= limit. Returns j.
  (func (export "mark") (param $base i32) (param $j i32) (param $step i32) (param $limit i32) (result i32)
    (loop $l
      (i32.store8 (i32.add (local.get $j) (local.get $base)) (i32.const 0))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $j) (local.get $step))) (local.get $limit))))
    (local.get $j))

;; The same loop with a copy in it, which keeps it out of any group.
  (func (export "mark_plain") (param $base i32) (param $j i32) (param $step i32) (param $limit i32) (result i32)
    (local $t i32)
    (loop $l
      (i32.store8 (i32.add (local.get $j) (local.get $base)) (i32.const 0))
      (local.set $t (local.get $j))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $j) (local.get $step))) (local.get $limit))))
    (local.get $j))

  ;; The same group whose tail counts from another local: $j = $k + $step
  ;; every time, so the loop never ends while $k + $step <= $limit.
  (func (export "mark_from") (param $base i32) (param $k i32) (param $step i32) (param $limit i32) (result i32)
    (local $j i32)
    (local.set $j (local.get $k))
    (loop $l
      (i32.store8 (i32.add (local.get $j) (local.get $base)) (i32.const 0))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $k) (local.get $step))) (local.get $limit))))
    (local.get $j))

  ;; The fill with the counter as the index of the address (flags + j
  ;; instead of j + flags), and with a step that is the counter itself
  ;; (j = j + j: not a counted store loop, a looping group on the slots).
  (func (export "mark_indexed") (param $base i32) (param $j i32) (param $step i32) (param $limit i32) (result i32)
    (loop $l
      (i32.store8 (i32.add (local.get $base) (local.get $j)) (i32.const 0))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $j) (local.get $step))) (local.get $limit))))
    (local.get $j))
  (func (export "mark_doubling") (param $base i32) (param $j i32) (param $limit i32) (result i32)
    (loop $l
      (i32.store8 (i32.add (local.get $j) (local.get $base)) (i32.const 0))
      (br_if $l (i32.le_s (local.tee $j (i32.add (local.get $j) (local.get $j))) (local.get $limit))))
    (local.get $j))

  ;; A word fill (I32_STORE_IMM, LOOP_I32_LT_U_IS): zero the words from p
  ;; up to end, 4 bytes at a time; returns where it stopped.
  (func (export "zero_words") (param $p i32) (param $end i32) (result i32)
    (loop $l
      (i32.store (local.get $p) (i32.const 0))
      (br_if $l (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $end))))
    (local.get $p))

  ;; A scan with a compare-and-branch back (I32_ADD_IMM, I32_ADD_IMM,
  ;; I32_LOAD, BR_IF_I32_LT_S_BACK): the index of the first word at or
  ;; after p + 4 that is not below $pivot.
  (func (export "scan_below") (param $p i32) (param $pivot i32) (result i32)
    (local $i i32) (local $v i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $l (i32.lt_s (local.tee $v (i32.load (local.get $p))) (local.get $pivot))))
    (local.get $i))
)
