;; adapter_call.wat — the cost of an adapter call between two component
;; instances (bench/adapter_call.sh, `make bench-adapter`): $A's `run8 n`
;; and `run16 n` call n times an import that is another instance's lifted
;; `func(s: string) -> u32` (the string's length in bytes) with one 61-byte
;; string (one non-ASCII character), into a UTF-8 callee and a UTF-16 one.
;; Assembled by `jco parse` at build time.
(component
  ;; the callees: realloc always hands out the same 256 bytes (the string
  ;; is dead when the call returns)
  (component $B
    (core module $m
      (memory (export "memory") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0x1000))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $i (instantiate $m))
    (alias core export $i "memory" (core memory $mem))
    (alias core export $i "realloc" (core func $re))
    (func (export "len8") (param "s" string) (result u32)
      (canon lift (core func $i "len") (memory $mem) (realloc $re)))
    (func (export "len16") (param "s" string) (result u32)
      (canon lift (core func $i "len") (memory $mem) (realloc $re) string-encoding=utf16)))
  (instance $b (instantiate $B))

  (component $A
    (import "len8" (func $len8 (param "s" string) (result u32)))
    (import "len16" (func $len16 (param "s" string) (result u32)))
    (core module $Mem
      (memory (export "memory") 1)
      (data (i32.const 16) "The quick brown fox jumps over the lazy dog, again and ag\c3\a9in"))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "memory" (core memory $m))
    (core func $len8_l (canon lower (func $len8) (memory $m)))
    (core func $len16_l (canon lower (func $len16) (memory $m)))
    (core module $M
      (import "b" "len8" (func $len8 (param i32 i32) (result i32)))
      (import "b" "len16" (func $len16 (param i32 i32) (result i32)))
      (func (export "run8") (param $n i32) (result i32)
        (local $sum i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $sum (i32.add (local.get $sum) (call $len8 (i32.const 16) (i32.const 61))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $sum))
      (func (export "run16") (param $n i32) (result i32)
        (local $sum i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $sum (i32.add (local.get $sum) (call $len16 (i32.const 16) (i32.const 61))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $sum)))
    (core instance $i (instantiate $M
      (with "b" (instance (export "len8" (func $len8_l)) (export "len16" (func $len16_l))))))
    (func (export "run8") (param "n" u32) (result u32) (canon lift (core func $i "run8")))
    (func (export "run16") (param "n" u32) (result u32) (canon lift (core func $i "run16"))))
  (instance $a (instantiate $A (with "len8" (func $b "len8")) (with "len16" (func $b "len16"))))
  (export "run8" (func $a "run8"))
  (export "run16" (func $a "run16"))
)
