"use client";

import { useEffect, type RefObject } from "react";

/**
 * After a failed submit, moves focus to the first invalid control (radios, which cannot carry
 * aria-invalid, mark themselves with data-invalid), so a screen reader announces its
 * label and error (wired through aria-describedby) and a keyboard user lands where the fix is.
 */
export function useFocusFirstError(formRef: RefObject<HTMLFormElement | null>, error: unknown) {
  useEffect(() => {
    if (!error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-invalid="true"]')?.focus();
  }, [formRef, error]);
}
