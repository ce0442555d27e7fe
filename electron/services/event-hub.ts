// A typed publish/subscribe hub for the events of the contract; each transport subscribes once.
import type { EventName, Events } from '../../shared/contract';

type Listener = (name: EventName, payload: Events[EventName]) => void;

/** Fans pushed events out to every connected window or browser tab. */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  /** Delivers an event to every subscriber. */
  publish<E extends EventName>(name: E, payload: Events[E]): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
