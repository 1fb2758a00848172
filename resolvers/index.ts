import type { Resolvers } from '../src/generated/resolvers-types.js';
import { BusinessId, DateTime, Decimal, Msisdn } from './scalars.js';
import { Addon } from './Addon.js';
import { Charge } from './Charge.js';
import { ItemPrice } from './ItemPrice.js';
import { MobileLine } from './MobileLine.js';
import { Order } from './Order.js';
import { OrderAlreadySubmittedError } from './OrderAlreadySubmittedError.js';
import { OrderItem } from './OrderItem.js';
import { Product } from './Product.js';
import { RccAcceptanceStatus } from './RccAcceptanceStatus.js';
import { RccDisclosure } from './RccDisclosure.js';
import { mobileLine, mobileLines } from './root/lines-query.js';
import { completeOrder } from './root/orders-mutation.js';
import { order } from './root/orders-query.js';
import { sendRcc } from './root/rcc-mutation.js';
import { rccAcceptance, rccDisclosure } from './root/rcc-query.js';

/**
 * The whole resolver map, spelled out: no spreading of per-domain maps, so
 * one file can never silently replace another's root fields.
 */
export const resolvers: Resolvers = {
  BusinessId,
  Msisdn,
  Decimal,
  DateTime,
  Query: {
    mobileLine,
    mobileLines,
    rccDisclosure,
    rccAcceptance,
    order,
  },
  Mutation: {
    sendRcc,
    completeOrder,
  },
  MobileLine,
  Product,
  Addon,
  ItemPrice,
  RccDisclosure,
  RccAcceptanceStatus,
  Charge,
  Order,
  OrderItem,
  OrderAlreadySubmittedError,
};
