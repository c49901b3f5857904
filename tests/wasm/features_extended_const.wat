;; features_extended_const.wat — constant expressions of the extended-const
;; proposal (i32/i64 add, sub, mul, with imported globals) in global
;; initialisers and in data and element segment offsets. Built with
;; wat2wasm --enable-extended-const; tests/test_features.c instantiates it
;; with env.base = 1000 (i32) and env.base64 = 50 (i64).
(module
  (import "env" "base" (global $base i32))
  (import "env" "base64" (global $base64 i64))
  (memory (export "memory") 1)
  (table (export "table") 8 funcref)

  (global (export "wrap_add") i32 (i32.add (i32.const 0x7fffffff) (i32.const 1)))
  (global (export "wrap_sub") i32 (i32.sub (i32.const 0) (i32.const 1)))
  (global (export "wrap_mul") i32 (i32.mul (i32.const 0x10000) (i32.const 0x10001)))
  (global (export "nested") i32
    (i32.add (i32.sub (i32.mul (i32.const 20) (i32.const 2)) (i32.const 2)) (i32.const 4)))
  (global (export "i64_mix") i64
    (i64.sub (i64.mul (i64.const 0x100000000) (i64.const 3)) (i64.const 1)))
  (global (export "i64_wrap") i64 (i64.add (i64.const 0x7fffffffffffffff) (i64.const 2)))
  (global (export "from_base") i32
    (i32.add (global.get $base) (i32.mul (i32.const 4) (i32.const 3))))
  (global (export "base_wrap") i32 (i32.mul (global.get $base) (i32.const 0x01000000)))
  (global (export "from_base64") i64 (i64.sub (global.get $base64) (i64.const 100)))

  ;; at base + 16 = 1016
  (data (i32.add (global.get $base) (i32.const 16)) "hi")
  ;; at base - 997 = 3
  (elem (i32.sub (global.get $base) (i32.const 997)) func $seven)

  (func $seven (result i32) (i32.const 7))
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
)
