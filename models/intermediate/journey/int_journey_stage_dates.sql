{#- One row per universe account at the as-of date: the first date each journey
    condition held, derived from event history up to the as-of date (no state
    from earlier runs except the fit history), and whether each holds on the
    as-of date itself. The steps, all of the current as-of date:
    - known: first event of any kind (CRM created, activity, Bombora week, deal).
    - qualified (int_journey_fit_milestones): fit rests on firmographics, so an
      account qualified in its earliest scored run counts as qualified since it
      was known; otherwise from the first run that qualified it.
    - aware: first matched activity, known person or reverse-IP
      (int_journey_activity_days).
    - engaged, mqa (int_journey_engagement_milestones): activity points in the
      trailing window, and recent relevant intent.
    - opportunity, customer (int_journey_opportunity_milestones): first counted
      opportunity created; first won deal closed (the first known date for a
      CRM-type customer without a won deal). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

activity_days as (
    select * from {{ ref('int_journey_activity_days') }}
),

topic_weeks as (
    select * from {{ ref('int_intent_topic_weeks') }}
),

fit_milestones as (
    select * from {{ ref('int_journey_fit_milestones') }}
),

engagement_milestones as (
    select * from {{ ref('int_journey_engagement_milestones') }}
),

opportunity_milestones as (
    select * from {{ ref('int_journey_opportunity_milestones') }}
),

activity_milestones as (
    select
        activity_days.account_id,
        min(activity_days.activity_date) as aware_date
    from activity_days
    group by activity_days.account_id
),

intent_weeks as (
    select
        topic_weeks.account_id,
        min(topic_weeks.week_start_date) as first_intent_week_date
    from topic_weeks
    cross join as_of
    where topic_weeks.week_start_date <= as_of.as_of_date
    group by topic_weeks.account_id
),

known_events as (
    select
        accounts.account_id,
        cast(accounts.created_at as date) as event_date
    from accounts
    where accounts.created_at is not null

    union all

    select
        activity_milestones.account_id,
        activity_milestones.aware_date as event_date
    from activity_milestones

    union all

    select
        intent_weeks.account_id,
        intent_weeks.first_intent_week_date as event_date
    from intent_weeks

    union all

    select
        opportunity_milestones.account_id,
        opportunity_milestones.first_deal_date as event_date
    from opportunity_milestones
),

known_milestones as (
    select
        known_events.account_id,
        min(known_events.event_date) as known_date
    from known_events
    cross join as_of
    where known_events.event_date <= as_of.as_of_date
    group by known_events.account_id
),

final as (
    select
        accounts.account_id,
        as_of.as_of_date,
        known_milestones.known_date,
        case
            when fit_milestones.first_qualified_run_date is null then null
            when fit_milestones.first_qualified_run_date = fit_milestones.first_run_date
                then coalesce(known_milestones.known_date, fit_milestones.first_qualified_run_date)
            else fit_milestones.first_qualified_run_date
        end as qualified_date,
        activity_milestones.aware_date,
        engagement_milestones.engaged_date,
        engagement_milestones.mqa_date,
        opportunity_milestones.opportunity_date,
        case
            when opportunity_milestones.first_won_date is not null then opportunity_milestones.first_won_date
            when accounts.is_customer then known_milestones.known_date
        end as customer_date,
        cast(coalesce(engagement_milestones.window_points_now, 0) as {{ type_double() }}) as window_points,
        coalesce(fit_milestones.is_qualified_now, false) as is_qualified,
        activity_milestones.aware_date is not null as is_aware,
        coalesce(engagement_milestones.is_engaged_now, false) as is_engaged,
        coalesce(engagement_milestones.is_mqa_now, false) as is_mqa,
        coalesce(opportunity_milestones.has_open_opportunity, false) as has_open_opportunity,
        coalesce(opportunity_milestones.first_won_date is not null or accounts.is_customer, false) as is_customer
    from accounts
    cross join as_of
    left join known_milestones
        on accounts.account_id = known_milestones.account_id
    left join fit_milestones
        on accounts.account_id = fit_milestones.account_id
    left join activity_milestones
        on accounts.account_id = activity_milestones.account_id
    left join engagement_milestones
        on accounts.account_id = engagement_milestones.account_id
    left join opportunity_milestones
        on accounts.account_id = opportunity_milestones.account_id
)

select * from final
